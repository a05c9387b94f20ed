package app.clivy.aiworker.agent;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Markdown as models write it, read as WhatsApp shows it. */
class WhatsAppTextTest {

    @Test
    void plainTextComesOutUnchanged() {
        String plain = "Toko buka jam 9 pagi.\n\nSampai jumpa! Harga 10 * 2 = 20.";
        assertThat(WhatsAppText.format(plain)).isEqualTo(plain);
    }

    @Test
    void boldItalicAndStrikeThroughBecomeWhatsAppMarks() {
        assertThat(WhatsAppText.format("This is **important** and __also bold__, *gently* said, ~~old~~ price."))
                .isEqualTo("This is *important* and *also bold*, _gently_ said, ~old~ price.");
        assertThat(WhatsAppText.format("***both***")).isEqualTo("*_both_*");
    }

    @Test
    void headingsBecomeABoldLineAndRulesGo() {
        assertThat(WhatsAppText.format("### Opening **hours**\nMon-Fri\n\n---\n\n# Contact ##"))
                .isEqualTo("*Opening hours*\nMon-Fri\n\n*Contact*");
    }

    @Test
    void listsAreKeptWithADash() {
        assertThat(WhatsAppText.format("Steps:\n* open the app\n+ log in\n  * nested\n1. pay\n2. done"))
                .isEqualTo("Steps:\n- open the app\n- log in\n  - nested\n1. pay\n2. done");
    }

    @Test
    void aTableBecomesOneLinePerRowWithItsHeaders() {
        String table = "Prices:\n\n| Size | Price |\n|------|------:|\n| S | Rp 10.000 |\n| **L** | Rp 15.000 |\n\nThanks";
        assertThat(WhatsAppText.format(table))
                .isEqualTo("Prices:\n\n- Size: S, Price: Rp 10.000\n- Size: *L*, Price: Rp 15.000\n\nThanks");
    }

    @Test
    void linksReadAsTextAndAddress() {
        assertThat(WhatsAppText.format("See [our menu](https://shop.example/menu \"Menu\") or <https://shop.example>, "
                + "mail [help@shop.example](mailto:help@shop.example), ![logo](https://shop.example/logo.png)."))
                .isEqualTo("See our menu (https://shop.example/menu) or https://shop.example, "
                        + "mail help@shop.example, logo (https://shop.example/logo.png).");
    }

    @Test
    void codeIsLeftAlone() {
        assertThat(WhatsAppText.format("Type `**not bold**` here:\n```\n# not a heading\n**raw**\n```"))
                .isEqualTo("Type `**not bold**` here:\n```\n# not a heading\n**raw**\n```");
    }

    @Test
    void blankLineRunsAreFolded() {
        assertThat(WhatsAppText.format("a\n\n\n\nb\n")).isEqualTo("a\n\nb");
    }
}
