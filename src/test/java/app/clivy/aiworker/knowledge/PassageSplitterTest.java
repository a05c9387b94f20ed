package app.clivy.aiworker.knowledge;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Passages are cut on paragraph and sentence boundaries, overlap by a sentence, and stay within their size. */
class PassageSplitterTest {

    private final PassageSplitter splitter = new PassageSplitter(500, 800);

    private static String sentence(int n) {
        return "Kalimat nomor " + n + " menjelaskan aturan toko dengan cukup panjang supaya ukurannya terasa.";
    }

    @Test
    void aPassageCutKeepsItsSentencesWholeAndTheNextRepeatsTheLastOne() {
        StringBuilder doc = new StringBuilder();
        for (int i = 1; i <= 30; i++) {
            doc.append(sentence(i)).append(' ');
        }
        List<String> passages = splitter.split(doc.toString());
        assertThat(passages).hasSizeGreaterThan(2);
        for (String p : passages) {
            assertThat(p.length()).isLessThanOrEqualTo(800);
            assertThat(p).startsWith("Kalimat nomor ").endsWith("terasa.");
        }
        // every sentence is whole in some passage, and consecutive passages share a sentence
        for (int i = 1; i <= 30; i++) {
            String s = sentence(i);
            assertThat(passages).anySatisfy(p -> assertThat(p).contains(s));
        }
        for (int k = 1; k < passages.size(); k++) {
            String previous = passages.get(k - 1);
            String last = previous.substring(previous.lastIndexOf("Kalimat nomor "));
            assertThat(passages.get(k)).startsWith(last);
        }
    }

    @Test
    void paragraphsAndHeadingsBeginPassagesAndShortDocumentsStayWhole() {
        assertThat(splitter.split("Buka jam 9. Tutup jam 5.")).containsExactly("Buka jam 9. Tutup jam 5.");
        String first = "a".repeat(300) + ". " + "b".repeat(250) + ".";
        String doc = first + "\n\n## Pengiriman\n\nKirim ke seluruh Indonesia. Ongkir dihitung saat checkout.";
        List<String> passages = splitter.split(doc);
        assertThat(passages).containsExactly(first, "## Pengiriman\nKirim ke seluruh Indonesia. Ongkir dihitung saat checkout.");
    }

    @Test
    void onlyASentenceLongerThanAPassageIsCutBetweenWords() {
        String words = "kata ".repeat(400).strip() + ".";
        List<String> passages = splitter.split(words);
        assertThat(passages).allSatisfy(p -> {
            assertThat(p.length()).isLessThanOrEqualTo(800);
            assertThat(p).doesNotStartWith(" ").doesNotEndWith(" ").doesNotContain("kat ").doesNotContain(" ata");
        });
    }
}
