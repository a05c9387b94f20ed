package app.clivy.aiworker.gateway;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;

import app.clivy.aiworker.support.FakeGateway;
import app.clivy.aiworker.support.FakeOpenRouter;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

import static app.clivy.aiworker.support.FakeGateway.server;
import static app.clivy.aiworker.support.FakeOpenRouter.completion;
import static app.clivy.aiworker.support.FakeOpenRouter.when;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.exactly;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Voice notes, images, PDFs and the rest, read in the job: each gateway's media path (its download
 * endpoint, or the base64 it posts) against a fake of the gateway, OpenRouter's speech-to-text
 * against a fake of its transcription endpoint; the transcript is the message's text, marked as one;
 * what the model cannot be given gets the instance's short reply with its reason in the job row.
 */
@TestPropertySource(properties = {"ai-worker.media.instances." + MediaMessagesTest.VISION + ".vision=true",
        "ai-worker.media.timeout-ms=1500"})
class MediaMessagesTest extends GatewayTest {

    static final String VISION = "shop-with-a-vision-model";
    private static final String CHAT = "628123456789@s.whatsapp.net";
    /** a voice note's file (an Ogg header and a marker of the test): what a download answers */
    private byte[] OGG;
    private String OGG_B64;

    private void voiceNote(String marker) {
        OGG = ("OggS\u0000\u0002" + marker + "-" + UUID.randomUUID()).getBytes(StandardCharsets.ISO_8859_1);
        OGG_B64 = Base64.getEncoder().encodeToString(OGG);
    }

    private void transcribes(String transcript) {
        voiceNote(transcript.split(" ")[0]);
        FakeOpenRouter.server().stubFor(com.github.tomakehurst.wiremock.client.WireMock.post(urlEqualTo("/api/v1/audio/transcriptions"))
                .withRequestBody(containing(OGG_B64))
                .willReturn(FakeOpenRouter.json(200, """
                        {"text":"%s","usage":{"seconds":4,"cost":0.0003}}""".formatted(transcript))));
    }

    private String audioMessage() {
        return """
                {"audioMessage":{"url":"https://mmg.whatsapp.net/v/t62.7117-24/x.enc","mimetype":"audio/ogg; codecs=opus",
                  "fileSHA256":"c2hh","fileLength":"16","seconds":4,"ptt":true,"mediaKey":"a2V5","fileEncSHA256":"ZW5j",
                  "directPath":"/v/t62.7117-24/x.enc"}}""";
    }

    private Map<String, Object> assertTranscribedAndAnswered(long job, String transcript) {
        Map<String, Object> done = awaitDone(job);
        assertThat(inbound(job)).containsEntry("body", transcript).containsEntry("kind", "audio");
        FakeOpenRouter.server().verify(exactly(1), postRequestedFor(urlEqualTo("/api/v1/audio/transcriptions"))
                .withRequestBody(matchingJsonPath("$.model", equalTo("openai/gpt-4o-mini-transcribe")))
                .withRequestBody(matchingJsonPath("$.input_audio.format", equalTo("ogg")))
                .withRequestBody(matchingJsonPath("$.input_audio.data", equalTo(OGG_B64))));
        FakeOpenRouter.server().verify(exactly(1), postRequestedFor(urlEqualTo(FakeOpenRouter.CHAT))
                .withRequestBody(containing("[voice note, transcribed] " + transcript)));
        // the transcription's cost is the job's: recorded on its own and added to the call's
        assertThat(db.queryForObject("SELECT (output_json->>'transcription_cost')::numeric FROM ai_jobs WHERE id = ?",
                java.math.BigDecimal.class, job)).isEqualByComparingTo("0.0003");
        assertThat(db.queryForObject("SELECT (output_json->>'cost')::numeric FROM ai_jobs WHERE id = ?",
                java.math.BigDecimal.class, job)).isEqualByComparingTo("0.0004");
        return done;
    }

    @Test
    void anEvolutionApiVoiceNoteIsFetchedThroughGetBase64AndTranscribed() {
        String transcript = "vn-evoapi how much is shipping to Bandung";
        transcribes(transcript);
        when("vn-evoapi", completion("Shipping is 20k (vn-evoapi).", "openai/gpt-4o", 10, 5, 0.0001));
        server().stubFor(com.github.tomakehurst.wiremock.client.WireMock.post(urlEqualTo("/chat/getBase64FromMediaMessage/" + instance))
                .withRequestBody(matchingJsonPath("$.message.key.id", equalTo("vn-ea-1")))
                .willReturn(FakeGateway.json(201, "{\"mediaType\":\"audioMessage\",\"mimetype\":\"audio/ogg; codecs=opus\",\"base64\":\"" + OGG_B64 + "\"}")));

        long job = jobId(postJson("/webhook/ai", """
                {"event":"messages.upsert","instance":"%s","data":{"key":{"remoteJid":"%s","fromMe":false,"id":"vn-ea-1"},
                  "pushName":"Rina","message":%s,"messageType":"audioMessage","messageTimestamp":1764414000}}"""
                .formatted(instance, CHAT, audioMessage())));

        assertTranscribedAndAnswered(job, transcript);
        server().verify(exactly(1), postRequestedFor(urlEqualTo("/chat/getBase64FromMediaMessage/" + instance))
                .withHeader("apikey", equalTo(FakeGateway.TOKEN)));
    }

    @Test
    void anEvolutionGoVoiceNoteWithItsBase64IsTranscribedWithoutADownload() {
        String transcript = "vn-evogo is the store open on sunday";
        transcribes(transcript);
        when("vn-evogo", completion("Yes (vn-evogo).", "openai/gpt-4o", 10, 5, 0.0001));
        long job = jobId(postJson("/webhook/ai", """
                {"event":"Message","instanceName":"%s","data":{"Info":{"ID":"vn-go-1","Chat":"%s","Sender":"%s",
                  "IsFromMe":false,"IsGroup":false,"PushName":"Budi","Timestamp":"2026-11-29T11:00:00Z","Type":"media","MediaType":"ptt"},
                  "Message":{"audioMessage":{"mimetype":"audio/ogg; codecs=opus","ptt":true},"base64":"%s"}}}"""
                .formatted(instance, CHAT, CHAT, OGG_B64)));
        assertTranscribedAndAnswered(job, transcript);
    }

    @Test
    void aWahaVoiceNoteIsFetchedFromItsMediaUrlWithTheApiKey() {
        String transcript = "vn-waha do you deliver";
        transcribes(transcript);
        when("vn-waha", completion("We do (vn-waha).", "openai/gpt-4o", 10, 5, 0.0001));
        String file = "/api/files/" + instance + "/vn-waha-1.oga";
        server().stubFor(get(urlEqualTo(file)).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "audio/ogg").withBody(OGG)));
        long job = jobId(postJson("/webhook/ai", """
                {"id":"evt_1","session":"%s","event":"message","payload":{"id":"false_628123456789@c.us_VNWAHA1",
                  "timestamp":1764414000,"from":"628123456789@c.us","fromMe":false,"body":"","hasMedia":true,
                  "media":{"url":"http://localhost:3000%s","mimetype":"audio/ogg; codecs=opus","filename":null,"error":null}}}"""
                .formatted(instance, file)));
        assertTranscribedAndAnswered(job, transcript);
        server().verify(exactly(1), getRequestedFor(urlEqualTo(file)).withHeader("X-Api-Key", equalTo(FakeGateway.TOKEN)));
    }

    @Test
    void aMetaVoiceNoteIsFetchedByItsMediaIdThenItsUrlBothWithTheBearerToken() {
        String transcript = "vn-meta can I pay by transfer";
        transcribes(transcript);
        when("vn-meta", completion("Yes (vn-meta).", "openai/gpt-4o", 10, 5, 0.0001));
        String mediaId = "1908647" + Math.abs(UUID.randomUUID().getMostSignificantBits() % 1_000_000);
        server().stubFor(get(urlEqualTo("/" + mediaId)).willReturn(FakeGateway.json(200, """
                {"messaging_product":"whatsapp","url":"%s/lookaside/%s","mime_type":"audio/ogg","sha256":"x","file_size":%d,"id":"%s"}"""
                .formatted(FakeGateway.baseUrl(), mediaId, OGG.length, mediaId))));
        server().stubFor(get(urlEqualTo("/lookaside/" + mediaId)).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "audio/ogg").withBody(OGG)));
        String json = """
                {"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{
                  "messaging_product":"whatsapp","metadata":{"display_phone_number":"1555","phone_number_id":"%s"},
                  "contacts":[{"profile":{"name":"Sheena"},"wa_id":"16505551234"}],
                  "messages":[{"from":"16505551234","id":"wamid.VN%s","timestamp":"1764414000","type":"audio",
                    "audio":{"mime_type":"audio/ogg; codecs=opus","sha256":"x","id":"%s","voice":true}}]}}]}]}"""
                .formatted(metaPhoneNumberId(), mediaId, mediaId);
        long job = jobId(postJson("/webhook/ai", json, metaSigned(json)));
        assertTranscribedAndAnswered(job, transcript);
        server().verify(exactly(1), getRequestedFor(urlEqualTo("/" + mediaId)).withHeader("Authorization", equalTo("Bearer " + FakeGateway.TOKEN)));
        server().verify(exactly(1), getRequestedFor(urlEqualTo("/lookaside/" + mediaId)).withHeader("Authorization", equalTo("Bearer " + FakeGateway.TOKEN)));
    }

    @Test
    void aWuzapiVoiceNoteIsFetchedThroughDownloadAudio() {
        String transcript = "vn-wuzapi what sizes are left";
        transcribes(transcript);
        when("vn-wuzapi", completion("M and L (vn-wuzapi).", "openai/gpt-4o", 10, 5, 0.0001));
        server().stubFor(com.github.tomakehurst.wiremock.client.WireMock.post(urlEqualTo("/chat/downloadaudio"))
                .withRequestBody(matchingJsonPath("$.DirectPath", equalTo("/v/t62.7117-24/x.enc")))
                .willReturn(FakeGateway.json(200, """
                        {"code":200,"data":{"Data":"data:audio/ogg;base64,%s","Mimetype":"audio/ogg"},"success":true}""".formatted(OGG_B64))));
        String body = """
                {"instanceName":"%s","type":"Message","event":{"Info":{"ID":"vn-wz-1","Chat":"%s","Sender":"%s","IsFromMe":false,
                  "IsGroup":false,"PushName":"Sari","Timestamp":"2026-11-29T11:00:00Z"},"Message":%s}}"""
                .formatted(instance, CHAT, CHAT, audioMessage());
        long job = jobId(postJson("/webhook/ai", body, wuzapiSigned(body.getBytes(StandardCharsets.UTF_8))));
        assertTranscribedAndAnswered(job, transcript);
        server().verify(exactly(1), postRequestedFor(urlEqualTo("/chat/downloadaudio")).withHeader("Token", equalTo(FakeGateway.TOKEN)));
    }

    @org.springframework.beans.factory.annotation.Autowired
    app.clivy.aiworker.instances.InstanceSettingsCache instanceSettings;

    @Test
    void aBurstOfAVoiceNoteAndTwoTextsIsAnsweredOnceWithAllThree() {
        // this instance answers a chat's burst once it was quiet for 1.5 s
        db.update("INSERT INTO instance_settings (instance, quiet_ms) VALUES (?, 1500)", instance);
        instanceSettings.forget();
        String transcript = "vn-burst the blue one in size M";
        transcribes(transcript);
        when("vn-burst-two", completion("Blue M is in stock (vn-burst).", "openai/gpt-4o", 10, 5, 0.0001));
        server().stubFor(com.github.tomakehurst.wiremock.client.WireMock.post(urlEqualTo("/chat/getBase64FromMediaMessage/" + instance))
                .willReturn(FakeGateway.json(201, "{\"base64\":\"" + OGG_B64 + "\"}")));

        long voice = jobId(postJson("/webhook/ai", """
                {"event":"messages.upsert","instance":"%s","data":{"key":{"remoteJid":"%s","fromMe":false,"id":"vn-b-1"},
                  "pushName":"Rina","message":%s,"messageTimestamp":1764414000}}""".formatted(instance, CHAT, audioMessage())));
        long one = jobId(postJson("/webhook/ai", evolutionApiImage(instance, "vn-b-2", "{\"conversation\":\"vn-burst-one also\"}")));
        long two = jobId(postJson("/webhook/ai", evolutionApiImage(instance, "vn-b-3",
                "{\"conversation\":\"vn-burst-two and delivered by friday?\"}")));

        awaitDone(two);
        FakeOpenRouter.server().verify(exactly(1), postRequestedFor(urlEqualTo(FakeOpenRouter.CHAT))
                .withRequestBody(containing("vn-burst-two"))
                .withRequestBody(containing("[voice note, transcribed] " + transcript))
                .withRequestBody(containing("vn-burst-one also")));
        FakeOpenRouter.server().verify(exactly(1), postRequestedFor(urlEqualTo("/api/v1/audio/transcriptions"))
                .withRequestBody(containing(OGG_B64)));
        for (long earlier : new long[] {voice, one}) {
            assertThat(db.queryForObject("SELECT output_json->>'answered_by_job' FROM ai_jobs WHERE id = ?", String.class, earlier))
                    .isEqualTo(String.valueOf(two));
        }
        assertThat(inbound(voice)).containsEntry("body", transcript);
        assertThat(db.queryForObject("SELECT count(*) FROM messages WHERE instance = ? AND direction = 'out'", Long.class, instance))
                .isEqualTo(1);
        assertThat(db.queryForObject("SELECT (output_json->>'cost')::numeric FROM ai_jobs WHERE id = ?",
                java.math.BigDecimal.class, two)).isEqualByComparingTo("0.0004");
    }

    private String evolutionApiImage(String instanceName, String id, String message) {
        return """
                {"event":"messages.upsert","instance":"%s","data":{"key":{"remoteJid":"%s","fromMe":false,"id":"%s"},
                  "pushName":"Rina","message":%s,"messageTimestamp":1764414000}}""".formatted(instanceName, CHAT, id, message);
    }

    @Test
    void anImageGoesToAVisionModelAsAnImageUrlPartWithItsCaption() {
        when("img-vision", completion("Nice shoes (img-vision).", "openai/gpt-4o", 10, 5, 0.0001));
        String png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";
        long job = jobId(postJson("/webhook/ai", evolutionApiImage(VISION, "img-v-" + UUID.randomUUID(), """
                {"imageMessage":{"mimetype":"image/png","caption":"img-vision do you have these in 42?"},"base64":"%s"}""".formatted(png))));
        awaitDone(job);
        FakeOpenRouter.server().verify(exactly(1), postRequestedFor(urlEqualTo(FakeOpenRouter.CHAT))
                .withRequestBody(matchingJsonPath("$.messages[-1].content[0].text", equalTo("img-vision do you have these in 42?")))
                .withRequestBody(matchingJsonPath("$.messages[-1].content[1].image_url.url", equalTo("data:image/png;base64," + png))));
    }

    @Test
    void anImageWithoutTextToATextOnlyModelGetsTheHonestShortReply() {
        long job = jobId(postJson("/webhook/ai", evolutionApiImage(instance, "img-t-1", """
                {"imageMessage":{"mimetype":"image/jpeg"}}""")));
        Map<String, Object> done = awaitDone(job);
        String output = db.queryForObject("SELECT output_json::text FROM ai_jobs WHERE id = ?", String.class, job);
        assertThat(output).contains("I can't see images here").contains("\"media_kind\": \"image\"")
                .contains("the instance's model takes no images");
        assertThat(done).containsEntry("status", "done");
        FakeOpenRouter.server().verify(0, postRequestedFor(urlEqualTo(FakeOpenRouter.CHAT)).withRequestBody(containing("img-t-1")));
    }

    @Test
    void aPdfGoesToTheModelAsAFilePart() {
        when("pdf-quote", completion("Got your PDF (pdf-quote).", "openai/gpt-4o", 10, 5, 0.0001));
        String pdf = Base64.getEncoder().encodeToString("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF".getBytes(StandardCharsets.US_ASCII));
        long job = jobId(postJson("/webhook/ai", evolutionApiImage(instance, "pdf-1-" + UUID.randomUUID(), """
                {"documentWithCaptionMessage":{"message":{"documentMessage":{"mimetype":"application/pdf","fileName":"quote.pdf",
                  "caption":"pdf-quote please check"}}},"base64":"%s"}""".formatted(pdf))));
        awaitDone(job);
        FakeOpenRouter.server().verify(exactly(1), postRequestedFor(urlEqualTo(FakeOpenRouter.CHAT))
                .withRequestBody(matchingJsonPath("$.messages[-1].content[1].type", equalTo("file")))
                .withRequestBody(matchingJsonPath("$.messages[-1].content[1].file.filename", equalTo("quote.pdf")))
                .withRequestBody(matchingJsonPath("$.messages[-1].content[1].file.file_data", equalTo("data:application/pdf;base64," + pdf))));
    }

    @Test
    void aStickerGetsTheShortReplyWithItsReasonInTheJobRow() {
        long job = jobId(postJson("/webhook/ai", evolutionApiImage(instance, "stk-1", """
                {"stickerMessage":{"mimetype":"image/webp","isAnimated":false}}""")));
        awaitDone(job);
        assertThat(inbound(job)).containsEntry("kind", "sticker").containsEntry("body", "[sticker]");
        String output = db.queryForObject("SELECT output_json::text FROM ai_jobs WHERE id = ?", String.class, job);
        assertThat(output).contains("Thanks! How can I help you?").contains("the model cannot be given a sticker");
        assertThat(db.queryForObject("SELECT body FROM messages WHERE job_id = ? AND direction = 'out'", String.class, job))
                .isEqualTo("Thanks! How can I help you?");
    }

    @Test
    void aDownloadThatTimesOutIsRetriedWithItsErrorClass() {
        voiceNote("vn-slow");
        server().stubFor(com.github.tomakehurst.wiremock.client.WireMock.post(urlEqualTo("/chat/getBase64FromMediaMessage/" + instance))
                .willReturn(FakeGateway.json(201, "{\"base64\":\"" + OGG_B64 + "\"}").withFixedDelay(4000)));
        long job = jobId(postJson("/webhook/ai", """
                {"event":"messages.upsert","instance":"%s","data":{"key":{"remoteJid":"%s","fromMe":false,"id":"vn-slow-1"},
                  "pushName":"Rina","message":%s,"messageTimestamp":1764414000}}""".formatted(instance, CHAT, audioMessage())));
        Map<String, Object> row = awaitJob(job, "pending", 1);
        assertThat(row).containsEntry("error_class", "media_download");
        assertThat((String) row.get("error_msg")).contains("no answer from the gateway within 1500 ms");
        FakeOpenRouter.server().verify(0, postRequestedFor(urlEqualTo("/api/v1/audio/transcriptions")).withRequestBody(containing(OGG_B64)));
    }
}
