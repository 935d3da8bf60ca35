package dev.aman.http.routes;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.aman.bus.DeliveryMode;
import dev.aman.bus.DeliveryStatus;
import dev.aman.bus.Event;
import dev.aman.bus.EventMetadata;
import dev.aman.bus.EventRecord;
import dev.aman.bus.Priority;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The cycle detection of {@code GET /events/trace/{trace_id}} (API.md §7.3). */
class EventRoutesTest {

    @Test
    void empty_trace_has_no_cycle() {
        assertThat(EventRoutes.cycle(List.of())).isEmpty();
    }

    @Test
    void chain_of_follow_ups_has_no_cycle() {
        List<EventRecord> trace = List.of(event("a", null), event("b", "a"), event("c", "b"), event("d", "b"));

        assertThat(EventRoutes.cycle(trace)).isEmpty();
    }

    @Test
    void parent_outside_the_trace_ends_the_walk_without_a_cycle() {
        List<EventRecord> trace = List.of(event("b", "evicted"), event("c", "b"));

        assertThat(EventRoutes.cycle(trace)).isEmpty();
    }

    @Test
    void event_that_is_its_own_parent_is_a_cycle_of_one() {
        List<EventRecord> trace = List.of(event("root", null), event("self", "self"));

        assertThat(EventRoutes.cycle(trace)).containsExactly("self");
    }

    @Test
    void loop_of_three_is_reported_in_link_order() {
        List<EventRecord> trace = List.of(event("a", "c"), event("b", "a"), event("c", "b"));

        List<String> path = EventRoutes.cycle(trace);

        assertThat(path).containsExactlyInAnyOrder("a", "b", "c");
        assertFollowsParentLinks(trace, path);
    }

    @Test
    void tail_leading_into_a_loop_is_not_part_of_the_cycle_path() {
        List<EventRecord> trace = new ArrayList<>(List.of(event("x", "a"), event("y", "x"), event("a", "c"), event("b", "a"),
                event("c", "b"), event("z", null)));

        List<String> path = EventRoutes.cycle(trace);

        assertThat(path).containsExactlyInAnyOrder("a", "b", "c");
        assertFollowsParentLinks(trace, path);
    }

    @Test
    void loop_of_two_is_found_among_many_acyclic_events() {
        List<EventRecord> trace = new ArrayList<>();
        trace.add(event("r", null));
        for (int i = 0; i < 50; i++) {
            trace.add(event("n" + i, i == 0 ? "r" : "n" + (i - 1)));
        }
        trace.add(event("p", "q"));
        trace.add(event("q", "p"));

        List<String> path = EventRoutes.cycle(trace);

        assertThat(path).containsExactlyInAnyOrder("p", "q");
        assertFollowsParentLinks(trace, path);
    }

    /** Each id's parent is the next id of the path, and the last one's parent is the first. */
    private static void assertFollowsParentLinks(List<EventRecord> trace, List<String> path) {
        Map<String, String> parent = new HashMap<>();
        trace.forEach(r -> parent.put(r.event().id(), r.event().metadata().parentEventId()));
        for (int i = 0; i < path.size(); i++) {
            String next = path.get((i + 1) % path.size());
            assertThat(parent.get(path.get(i))).as("parent of " + path.get(i)).isEqualTo(next);
        }
    }

    private static EventRecord event(String id, String parent) {
        EventMetadata m = new EventMetadata("trace-1", parent, 0, 2, null, null, 1_000L, parent == null ? 0 : 1, null, "trusted");
        Event e = new Event(id, "test", "demo.x", 1_000L, Priority.NORMAL, DeliveryMode.AT_LEAST_ONCE, null,
                JsonNodeFactory.instance.objectNode(), m);
        return new EventRecord(e, DeliveryStatus.DELIVERED, List.of());
    }
}
