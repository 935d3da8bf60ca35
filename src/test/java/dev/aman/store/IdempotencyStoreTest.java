package dev.aman.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aman.http.idempotency.IdempotencyStore;
import dev.aman.testing.Backend;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class IdempotencyStoreTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(Backend.class)
    void first_request_executes_and_a_finished_one_replays(Backend backend) {
        try (Store store = TestStores.open(backend, dir)) {
            var keys = new IdempotencyStore(store, "node-a");
            assertThat(keys.begin("POST", "/events/push", "k1", "fp", 1000, 60_000)).isInstanceOf(IdempotencyStore.Execute.class);
            assertThat(keys.begin("POST", "/events/push", "k1", "fp", 1001, 60_000)).isInstanceOf(IdempotencyStore.InProgress.class);
            keys.complete("POST", "/events/push", "k1", 200, "{\"id\":\"x\"}");
            assertThat(keys.begin("POST", "/events/push", "k1", "fp", 1002, 60_000))
                    .isEqualTo(new IdempotencyStore.Replay(200, "{\"id\":\"x\"}"));
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void same_key_with_another_body_is_reuse_and_scope_includes_path(Backend backend) {
        try (Store store = TestStores.open(backend, dir)) {
            var keys = new IdempotencyStore(store, "node-a");
            keys.begin("POST", "/a", "k", "fp1", 1000, 60_000);
            keys.complete("POST", "/a", "k", 200, "{}");
            assertThat(keys.begin("POST", "/a", "k", "fp2", 1001, 60_000)).isInstanceOf(IdempotencyStore.Reused.class);
            assertThat(keys.begin("POST", "/b", "k", "fp2", 1001, 60_000)).isInstanceOf(IdempotencyStore.Execute.class);
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void abandoned_and_expired_keys_execute_again(Backend backend) {
        try (Store store = TestStores.open(backend, dir)) {
            var keys = new IdempotencyStore(store, "node-a");
            keys.begin("POST", "/a", "k", "fp", 1000, 60_000);
            keys.abandon("POST", "/a", "k");
            assertThat(keys.begin("POST", "/a", "k", "fp", 1001, 60_000)).isInstanceOf(IdempotencyStore.Execute.class);
            keys.complete("POST", "/a", "k", 200, "{}");
            assertThat(keys.begin("POST", "/a", "k", "other", 61_002, 60_000)).isInstanceOf(IdempotencyStore.Execute.class);
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void records_survive_reopening_and_running_ones_are_cleared(Backend backend) {
        Store first = TestStores.open(backend, dir);
        String url;
        try (first) {
            var keys = new IdempotencyStore(first, "node-a");
            keys.begin("POST", "/a", "done", "fp", 1000, 60_000);
            keys.complete("POST", "/a", "done", 201, "{\"ok\":true}");
            keys.begin("POST", "/a", "crashed", "fp", 1000, 60_000);
            assertThat(keys.clearRunning()).isEqualTo(1);
            assertThat(keys.begin("POST", "/a", "done", "fp", 1001, 60_000))
                    .isEqualTo(new IdempotencyStore.Replay(201, "{\"ok\":true}"));
            assertThat(keys.begin("POST", "/a", "crashed", "fp", 1001, 60_000)).isInstanceOf(IdempotencyStore.Execute.class);
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void concurrent_first_requests_execute_exactly_once(Backend backend) throws Exception {
        try (Store store = TestStores.open(backend, dir); var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            var keys = new IdempotencyStore(store, "node-a");
            List<Future<IdempotencyStore.Begin>> results = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                Callable<IdempotencyStore.Begin> c = () -> keys.begin("POST", "/a", "race", "fp", 1000, 60_000);
                results.add(pool.submit(c));
            }
            long executed = 0;
            for (var f : results) {
                executed += f.get() instanceof IdempotencyStore.Execute ? 1 : 0;
            }
            assertThat(executed).isEqualTo(1);
        }
    }
}
