package app.clivy.aiworker.gateway;

import java.util.Map;

/**
 * A claimed reply as a gateway dialect needs it (the row of sql/deliver-claim.sql), with the
 * credentials of its instance's gateway.
 *
 * @param chat    the chat JID
 * @param replyTo the chat as the gateway's send API takes it (null for rows stored before V6)
 * @param account the Cloud API phone number id, WAHA session or Evolution API instance (may be null)
 * @param token   the gateway credential (may be empty)
 */
public record GatewayReply(String instance, String chat, String text, String replyTo, String account, String token) {

    public static GatewayReply of(Map<String, Object> row, String token) {
        return new GatewayReply(string(row.get("instance")), string(row.get("chat")), string(row.get("body")),
                string(row.get("reply_to")), string(row.get("gateway_account")), token);
    }

    /** The number of the chat: {@code 628123@s.whatsapp.net} is {@code 628123}. */
    public String number() {
        String to = replyTo != null ? replyTo : chat;
        int at = to.indexOf('@');
        return at < 0 ? to : to.substring(0, at);
    }

    /** The auth header of a send request: {@code header: prefix + token}; none while no token is configured. */
    public Map<String, String> auth(String header, String prefix) {
        return token == null || token.isEmpty() ? Map.of() : Map.of(header, prefix + token);
    }

    private static String string(Object value) {
        return value == null ? null : value.toString();
    }
}
