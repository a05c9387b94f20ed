package app.clivy.aiworker.agent;

import java.time.Instant;
import java.time.ZoneId;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The weekly schedule as a user writes it: days, spans, ranges crossing midnight, time zones, daylight saving. */
class OpeningScheduleTest {

    private static final ZoneId JAKARTA = ZoneId.of("Asia/Jakarta");
    private static final ZoneId UTC = ZoneId.of("UTC");

    private static OpeningSchedule.State at(String schedule, String instant, ZoneId zone) {
        return OpeningSchedule.parse(schedule).at(Instant.parse(instant), zone);
    }

    @Test
    void anEmptyScheduleIsAlwaysOpen() {
        assertThat(OpeningSchedule.parse("").alwaysOpen()).isTrue();
        assertThat(OpeningSchedule.parse(null).at(Instant.parse("2026-12-06T03:00:00Z"), UTC).open()).isTrue();
    }

    @Test
    void weekdaysAndSaturdayMorningInJakartaAreReadInJakartasTime() {
        String schedule = "mon-fri 08:00-17:00, sat 09:00-13:00";
        // Monday 2026-12-07 02:00 UTC = 09:00 WIB: open; 11:00 UTC = 18:00 WIB: closed
        assertThat(at(schedule, "2026-12-07T02:00:00Z", JAKARTA).open()).isTrue();
        assertThat(at(schedule, "2026-12-07T02:00:00Z", UTC).open()).as("02:00 in UTC is closed").isFalse();
        var evening = at(schedule, "2026-12-07T11:00:00Z", JAKARTA);
        assertThat(evening.open()).isFalse();
        assertThat(evening.closedSince().toString()).isEqualTo("2026-12-07T17:00+07:00[Asia/Jakarta]");
        assertThat(evening.opensAt().toString()).isEqualTo("2026-12-08T08:00+07:00[Asia/Jakarta]");
        assertThat(at(schedule, "2026-12-07T11:00:00Z", UTC).open()).as("11:00 in UTC is open").isTrue();
        // Saturday 14:00 WIB: closed until Monday 08:00, since Saturday 13:00
        var weekend = at(schedule, "2026-12-12T07:00:00Z", JAKARTA);
        assertThat(weekend.closedSince().toString()).isEqualTo("2026-12-12T13:00+07:00[Asia/Jakarta]");
        assertThat(weekend.opensAt().toString()).isEqualTo("2026-12-14T08:00+07:00[Asia/Jakarta]");
        // every instant of one closed period names the same start
        assertThat(at(schedule, "2026-12-13T20:00:00Z", JAKARTA).closedSince()).isEqualTo(weekend.closedSince());
    }

    @Test
    void aRangeCrossingMidnightEndsTheNextDayAndAdjacentRangesAreOneOpening() {
        String schedule = "fri 20:00-02:00";
        assertThat(at(schedule, "2026-12-11T23:00:00Z", UTC).open()).isTrue();
        assertThat(at(schedule, "2026-12-12T01:59:00Z", UTC).open()).isTrue();
        assertThat(at(schedule, "2026-12-12T02:00:00Z", UTC).open()).isFalse();
        assertThat(at(schedule, "2026-12-11T19:59:00Z", UTC).opensAt().toString()).isEqualTo("2026-12-11T20:00Z[UTC]");
        // sun-sat: a span wrapping the week; 00:00-24:00 every day never closes
        assertThat(at("sat-sun 10:00-12:00", "2026-12-13T11:00:00Z", UTC).open()).isTrue();
        assertThat(at("daily 00:00-24:00", "2026-12-13T11:00:00Z", UTC).open()).isTrue();
        // two ranges that touch make one opening: closed since the later end
        var state = at("mon 08:00-12:00 12:00-17:00", "2026-12-07T18:00:00Z", UTC);
        assertThat(state.closedSince().toString()).isEqualTo("2026-12-07T17:00Z[UTC]");
    }

    @Test
    void daylightSavingTimeMovesTheOpeningWithTheClockOnTheWall() {
        ZoneId berlin = ZoneId.of("Europe/Berlin");
        // 09:00 in Berlin is 08:00 UTC in winter, 07:00 UTC in summer
        assertThat(at("daily 09:00-17:00", "2026-01-05T08:30:00Z", berlin).open()).isTrue();
        assertThat(at("daily 09:00-17:00", "2026-07-06T07:30:00Z", berlin).open()).isTrue();
        assertThat(at("daily 09:00-17:00", "2026-01-05T07:30:00Z", berlin).open()).isFalse();
    }

    @Test
    void aScheduleThatCannotBeReadIsRefusedNamingTheEntry() {
        assertThatThrownBy(() -> OpeningSchedule.parse("mon-fri 8-17")).hasMessageContaining("\"mon-fri 8-17\"")
                .hasMessageContaining("HH:MM-HH:MM");
        assertThatThrownBy(() -> OpeningSchedule.parse("funday 08:00-17:00")).hasMessageContaining("a day (mon");
        assertThatThrownBy(() -> OpeningSchedule.parse("mon 08:00-08:00")).hasMessageContaining("start and end differ");
        assertThatThrownBy(() -> OpeningSchedule.parse("mon 24:00-02:00")).hasMessageContaining("starting before 24:00");
        assertThatThrownBy(() -> OpeningSchedule.parse("mon")).hasMessageContaining("a day or days then a time range");
        assertThatThrownBy(() -> OpeningSchedule.parse(" , ")).hasMessageContaining(OpeningSchedule.EXAMPLE);
    }
}
