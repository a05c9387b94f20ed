package app.clivy.aiworker.security;

import java.util.LinkedHashMap;
import java.util.Map;

/** One customer text message in each gateway's shape, for instance {@code %1$s} and message id {@code %2$s}. */
final class GatewayShapes {

    private GatewayShapes() {
    }

    static Map<String, String> textMessages(String instance, String id) {
        Map<String, String> shapes = new LinkedHashMap<>();
        shapes.put("evolution-go", """
                {"event":"Message","instanceName":"%1$s","data":{"Info":{"ID":"%2$s","Chat":"628111@s.whatsapp.net",
                 "Sender":"628111@s.whatsapp.net","IsFromMe":false,"IsGroup":false,"PushName":"A"},
                 "Message":{"extendedTextMessage":{"text":"hi"}}}}""".formatted(instance, id + "-eg"));
        shapes.put("wuzapi", """
                {"type":"Message","instanceName":"%1$s","event":{"Info":{"ID":"%2$s","Chat":"628111@s.whatsapp.net",
                 "Sender":"628111@s.whatsapp.net","IsFromMe":false},"Message":{"conversation":"hi"}}}""".formatted(instance, id + "-wz"));
        shapes.put("evolution-api", """
                {"event":"messages.upsert","instance":"%1$s","data":{"key":{"remoteJid":"628111@s.whatsapp.net","fromMe":false,
                 "id":"%2$s"},"pushName":"A","message":{"conversation":"hi"},"messageTimestamp":1764414000}}""".formatted(instance, id + "-ea"));
        shapes.put("waha", """
                {"event":"message","session":"%1$s","payload":{"id":"%2$s","from":"628111@c.us","fromMe":false,
                 "body":"hi","timestamp":1764414000,"_data":{"notifyName":"A"}}}""".formatted(instance, id + "-wa"));
        shapes.put("cloud-api", """
                {"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{
                 "metadata":{"phone_number_id":"%1$s"},"contacts":[{"profile":{"name":"A"},"wa_id":"628111"}],
                 "messages":[{"from":"628111","id":"%2$s","timestamp":"1764414000","type":"text","text":{"body":"hi"}}]}}]}]}"""
                .formatted(instance, id + "-ca"));
        return shapes;
    }
}
