package app.clivy.aiworker.knowledge;

/** The embeddings endpoint failed or refused (any 4xx/5xx, an unreadable answer): word search goes on alone. */
public class EmbeddingsUnavailableException extends RuntimeException {

    public EmbeddingsUnavailableException(String message) {
        super(message);
    }
}
