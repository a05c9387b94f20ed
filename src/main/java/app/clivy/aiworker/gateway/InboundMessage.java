package app.clivy.aiworker.gateway;

/**
 * The one internal form of a customer's message, whatever gateway brought it; or, with
 * {@link #ignoredReason} set, an event that starts no job and why.
 *
 * @param gateway   the gateway's name ({@link WhatsAppGateway#name()})
 * @param instance  the business number's instance (idempotency is per instance + message id)
 * @param chat      the chat, as the same JID form for every gateway ({@code 628...@s.whatsapp.net})
 *                  so that history works across messages; a LID ({@code ...@lid}) or a Meta user id
 *                  without a phone number is kept as the gateway gave it
 * @param sender    who wrote it
 * @param messageId the gateway's message id
 * @param fromMe    sent by the business account itself
 * @param group     a group chat
 * @param pushName  the sender's display name, if given
 * @param text      the text, extended text or caption (null: none)
 * @param timestamp ISO-8601 instant of the message, if given
 * @param replyTo   the chat as this gateway's send API takes it
 * @param account   what else the send API addresses (Cloud API phone number id, WAHA session, ...)
 * @param content   what the message is beyond its text (message kinds): an edit, a delete, a voice
 *                  note, an image ...; its {@code text} is {@link #text}
 */
public record InboundMessage(String gateway, String instance, String chat, String sender, String messageId,
                             boolean fromMe, boolean group, String pushName, String text, String timestamp,
                             String replyTo, String account, String ignoredReason,
                             // message kinds (#23)
                             MessageContent content) {

    /** A plain text message (or an ignored event). */
    public InboundMessage(String gateway, String instance, String chat, String sender, String messageId,
                          boolean fromMe, boolean group, String pushName, String text, String timestamp,
                          String replyTo, String account, String ignoredReason) {
        this(gateway, instance, chat, sender, messageId, fromMe, group, pushName, text, timestamp, replyTo, account,
                ignoredReason, MessageContent.plain(text));
    }

    public static InboundMessage ignored(String gateway, String reason) {
        return new InboundMessage(gateway, null, null, null, null, false, false, null, null, null, null, null, reason);
    }

    public boolean isIgnored() {
        return ignoredReason != null;
    }
}
