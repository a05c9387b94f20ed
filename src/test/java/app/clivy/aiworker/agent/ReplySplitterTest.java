package app.clivy.aiworker.agent;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Replies cut into WhatsApp messages: paragraphs first, then sentences, then words. */
class ReplySplitterTest {

    @Test
    void aReplyWithinTheLimitIsOnePartUnchanged() {
        assertThat(ReplySplitter.split("Halo!\n\nAda yang bisa dibantu?", 100)).containsExactly("Halo!\n\nAda yang bisa dibantu?");
    }

    @Test
    void paragraphsArePackedTogetherWhileTheyFit() {
        String a = "a".repeat(40);
        String b = "b".repeat(40);
        String c = "c".repeat(40);
        assertThat(ReplySplitter.split(a + "\n\n" + b + "\n\n" + c, 90)).containsExactly(a + "\n\n" + b, c);
    }

    @Test
    void aLongParagraphIsCutBetweenSentences() {
        String text = "First sentence is here. Second one follows it. Third closes the paragraph.";
        List<String> parts = ReplySplitter.split(text, 50);
        assertThat(parts).containsExactly("First sentence is here. Second one follows it.", "Third closes the paragraph.");
    }

    @Test
    void listLinesStayOnTheirOwnLines() {
        String list = "- one item of the list\n- two item of the list\n- three item of the list";
        assertThat(ReplySplitter.split(list, 50)).containsExactly("- one item of the list\n- two item of the list",
                "- three item of the list");
    }

    @Test
    void aWordLongerThanTheLimitIsCut() {
        assertThat(ReplySplitter.split("see https://x.example/" + "p".repeat(30), 20))
                .containsExactly("see", "https://x.example/pp", "pppppppppppppppppppp".substring(0, 20), "pppppppp");
    }

    @Test
    void noPartIsOverTheLimitAndNoWordIsLost() {
        StringBuilder text = new StringBuilder();
        for (int p = 0; p < 30; p++) {
            for (int s = 0; s < 7; s++) {
                text.append("Paragraph ").append(p).append(" sentence ").append(s).append(" says something useful. ");
            }
            text.append("\n\n");
        }
        List<String> parts = ReplySplitter.split(text.toString().strip(), 700);
        assertThat(parts).allSatisfy(part -> assertThat(part.length()).isLessThanOrEqualTo(700));
        assertThat(String.join(" ", parts).split("\\s+")).containsExactly(text.toString().strip().split("\\s+"));
    }
}
