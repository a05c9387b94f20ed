package app.clivy.aiworker.agent;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A weekly schedule of opening hours (docs/agent.md, "Opening hours"), written as a user writes it:
 * {@code mon-fri 08:00-17:00, sat 09:00-13:00}. Entries are separated by commas (or semicolons or
 * new lines); an entry is a day ({@code mon}, {@code monday}), a span of days ({@code mon-fri},
 * {@code fri-mon}) or {@code daily}, then one or more ranges {@code HH:MM-HH:MM}. A range whose end is
 * not after its start ends the next day ({@code fri 20:00-02:00} is open Friday 20:00 to Saturday
 * 02:00); {@code 24:00} is the end of the day. An empty schedule is always open. Times are local to
 * the schedule's time zone (an IANA id), so a change of daylight saving time moves them with the clock
 * on the wall.
 */
public final class OpeningSchedule {

    /** A schedule with no entries: always open. */
    public static final OpeningSchedule ALWAYS_OPEN = new OpeningSchedule(List.of());
    /** The example the 400 answers and the docs give. */
    public static final String EXAMPLE = "mon-fri 08:00-17:00, sat 09:00-13:00";
    static final int MAX_CHARS = 1000;

    private static final Map<String, DayOfWeek> DAYS = Map.ofEntries(
            Map.entry("mon", DayOfWeek.MONDAY), Map.entry("monday", DayOfWeek.MONDAY),
            Map.entry("tue", DayOfWeek.TUESDAY), Map.entry("tuesday", DayOfWeek.TUESDAY),
            Map.entry("wed", DayOfWeek.WEDNESDAY), Map.entry("wednesday", DayOfWeek.WEDNESDAY),
            Map.entry("thu", DayOfWeek.THURSDAY), Map.entry("thursday", DayOfWeek.THURSDAY),
            Map.entry("fri", DayOfWeek.FRIDAY), Map.entry("friday", DayOfWeek.FRIDAY),
            Map.entry("sat", DayOfWeek.SATURDAY), Map.entry("saturday", DayOfWeek.SATURDAY),
            Map.entry("sun", DayOfWeek.SUNDAY), Map.entry("sunday", DayOfWeek.SUNDAY));
    private static final Pattern RANGE = Pattern.compile("(\\d{1,2}):(\\d{2})-(\\d{1,2}):(\\d{2})");

    /** One opening: on {@code day}, from minute {@code start} of the day to minute {@code end} (over 1440: the next day). */
    private record Opening(DayOfWeek day, int start, int end) {
    }

    /** Where an instant falls: open, or closed since {@code closedSince} until {@code opensAt}. */
    public record State(boolean open, ZonedDateTime closedSince, ZonedDateTime opensAt) {
    }

    private final List<Opening> openings;

    private OpeningSchedule(List<Opening> openings) {
        this.openings = openings;
    }

    /** Whether the schedule has no entries (always open). */
    public boolean alwaysOpen() {
        return openings.isEmpty();
    }

    /**
     * Reads a schedule; a blank text is always open.
     *
     * @throws IllegalArgumentException naming what is wrong, with an example
     */
    public static OpeningSchedule parse(String text) {
        if (text == null || text.isBlank()) {
            return ALWAYS_OPEN;
        }
        if (text.length() > MAX_CHARS) {
            throw new IllegalArgumentException("a schedule of at most " + MAX_CHARS + " characters");
        }
        List<Opening> openings = new ArrayList<>();
        for (String entry : text.strip().toLowerCase(Locale.ROOT).split("\\s*[,;\\n]\\s*")) {
            if (entry.isBlank()) {
                continue;
            }
            String[] words = entry.trim().split("\\s+");
            if (words.length < 2) {
                throw bad(entry, "a day or days then a time range");
            }
            List<DayOfWeek> days = days(words[0], entry);
            for (int i = 1; i < words.length; i++) {
                Matcher m = RANGE.matcher(words[i]);
                if (!m.matches()) {
                    throw bad(entry, "time ranges written HH:MM-HH:MM, such as 08:00-17:00");
                }
                int start = minute(m.group(1), m.group(2), entry);
                int end = minute(m.group(3), m.group(4), entry);
                if (start == 1440) {
                    throw bad(entry, "a range starting before 24:00");
                }
                if (start == end) {
                    throw bad(entry, "a range whose start and end differ (00:00-24:00 is the whole day)");
                }
                int until = end > start ? end : end + 1440;
                days.forEach(d -> openings.add(new Opening(d, start, until)));
            }
        }
        if (openings.isEmpty()) {
            throw new IllegalArgumentException("a schedule such as " + EXAMPLE);
        }
        return new OpeningSchedule(List.copyOf(openings));
    }

    private static List<DayOfWeek> days(String word, String entry) {
        if (word.equals("daily") || word.equals("mon-sun")) {
            return List.of(DayOfWeek.values());
        }
        String[] span = word.split("-", -1);
        if (span.length > 2 || !DAYS.containsKey(span[0]) || span.length == 2 && !DAYS.containsKey(span[1])) {
            throw bad(entry, "a day (mon, tue, wed, thu, fri, sat, sun), a span of days such as mon-fri, or daily");
        }
        DayOfWeek first = DAYS.get(span[0]);
        DayOfWeek last = DAYS.get(span[span.length - 1]);
        List<DayOfWeek> days = new ArrayList<>();
        for (DayOfWeek d = first; ; d = d.plus(1)) {
            days.add(d);
            if (d == last) {
                return days;
            }
        }
    }

    private static int minute(String hours, String minutes, String entry) {
        int h = Integer.parseInt(hours);
        int m = Integer.parseInt(minutes);
        if (h > 24 || m > 59 || h == 24 && m > 0) {
            throw bad(entry, "times from 00:00 to 24:00");
        }
        return h * 60 + m;
    }

    private static IllegalArgumentException bad(String entry, String expected) {
        return new IllegalArgumentException("\"" + entry + "\" is not understood: expected " + expected
                + " (a schedule reads like " + EXAMPLE + ")");
    }

    /**
     * Whether the schedule is open at {@code now} in {@code zone}; when closed, since when (the end of
     * the last opening: the closed period's start, the same for every instant of that period) and when
     * it opens next.
     */
    public State at(Instant now, ZoneId zone) {
        if (openings.isEmpty()) {
            return new State(true, null, null);
        }
        LocalDate today = now.atZone(zone).toLocalDate();
        List<ZonedDateTime[]> intervals = new ArrayList<>();
        // a week and a day either side: a weekly schedule has an opening before and after any instant
        for (LocalDate date = today.minusDays(8); !date.isAfter(today.plusDays(8)); date = date.plusDays(1)) {
            for (Opening o : openings) {
                if (o.day() == date.getDayOfWeek()) {
                    intervals.add(new ZonedDateTime[] {local(date, o.start(), zone), local(date, o.end(), zone)});
                }
            }
        }
        intervals.sort(Comparator.comparing((ZonedDateTime[] i) -> i[0]));
        List<ZonedDateTime[]> merged = new ArrayList<>();
        for (ZonedDateTime[] i : intervals) {
            ZonedDateTime[] last = merged.isEmpty() ? null : merged.get(merged.size() - 1);
            if (last != null && !i[0].isAfter(last[1])) {
                if (i[1].isAfter(last[1])) {
                    last[1] = i[1];
                }
            } else {
                merged.add(new ZonedDateTime[] {i[0], i[1]});
            }
        }
        ZonedDateTime closedSince = null;
        for (ZonedDateTime[] i : merged) {
            Instant start = i[0].toInstant();
            Instant end = i[1].toInstant();
            if (!now.isBefore(start) && now.isBefore(end)) {
                return new State(true, null, null);
            }
            if (!end.isAfter(now)) {
                closedSince = i[1];
            } else {
                return new State(false, closedSince, i[0]);
            }
        }
        return new State(false, closedSince, null);
    }

    private static ZonedDateTime local(LocalDate date, int minute, ZoneId zone) {
        return date.plusDays(minute / 1440).atTime(LocalTime.ofSecondOfDay((minute % 1440) * 60L)).atZone(zone);
    }
}
