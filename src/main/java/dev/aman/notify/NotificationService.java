package dev.aman.notify;

import dev.aman.AmanException;
import dev.aman.config.AmanConfig;
import dev.aman.ids.UuidV7;
import dev.aman.store.Keyset;
import dev.aman.store.Page;
import dev.aman.store.Store;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Raises and manages notifications (API.md §15, §24). Any subsystem raises through {@link #raise}; listeners
 * hear about creations (the bus publishes {@code notification:created}) and about every change (SSE
 * {@code notification:updated}). Thread-safe.
 */
public final class NotificationService {
    public static final List<String> SEVERITIES = List.of("info", "warning", "critical");

    private final NotificationStore store;
    private final UuidV7 ids;
    private final Clock clock;
    private final Supplier<AmanConfig> config;
    private final List<Consumer<Notification>> createdListeners = new CopyOnWriteArrayList<>();
    private final List<Runnable> changeListeners = new CopyOnWriteArrayList<>();
    private final Map<String, AtomicLong> activeBySeverity = new ConcurrentHashMap<>();

    /** A state change that the notification's state forbids. */
    public static final class NotAllowed extends AmanException {
        NotAllowed(String message) {
            super(message);
        }
    }

    public static final class NotFound extends AmanException {
        NotFound(String id) {
            super("not found: notification " + id);
        }
    }

    public NotificationService(Store store, UuidV7 ids, Clock clock, Supplier<AmanConfig> config, MeterRegistry metrics) {
        this.store = new NotificationStore(store);
        this.ids = ids;
        this.clock = clock;
        this.config = config;
        for (String s : SEVERITIES) {
            activeBySeverity.put(s, new AtomicLong());
        }
        refreshGauges();
    }

    /** Active (not dismissed) notifications of a severity as of the last change (gauge value). */
    public long activeCount(String severity) {
        AtomicLong v = activeBySeverity.get(severity);
        return v == null ? 0 : v.get();
    }

    public void onCreated(Consumer<Notification> listener) {
        createdListeners.add(listener);
    }

    public void onChange(Runnable listener) {
        changeListeners.add(listener);
    }

    /** Creates a notification, or coalesces it into a recent active one with the same category and title. */
    public Notification raise(NewNotification n) {
        long now = clock.millis();
        Notification draft = new Notification(ids.next(), n.severity(), n.category(), n.title(), n.message(), now, now, 1,
                false, null, null, false, null, !n.severity().equals("critical"), n.actionLabel(), n.actionRoute(),
                n.eventId(), n.source());
        long window = Duration.ofSeconds(config.get().longValue("notifications.coalesce_sec")).toMillis();
        NotificationStore.Upsert u = store.createOrCoalesce(draft, n.coalesce() && window > 0, now - window);
        if (u.created()) {
            createdListeners.forEach(l -> l.accept(u.notification()));
        }
        changed();
        return u.notification();
    }

    public record Filter(boolean activeOnly, boolean unreadOnly, String severity, String category) {
    }

    public Page<Notification> list(Filter f, int limit, int offset, Keyset after) {
        return store.list(new NotificationStore.Filter(f.activeOnly(), f.unreadOnly(), f.severity(), f.category()), limit,
                offset, after);
    }

    public record Counts(long unread, Map<String, Long> unreadBySeverity, long active, long criticalUnread, String latestId) {
    }

    public Counts counts() {
        NotificationStore.Counts c = store.counts();
        long unread = c.unread().values().stream().mapToLong(Long::longValue).sum();
        long active = c.active().values().stream().mapToLong(Long::longValue).sum();
        return new Counts(unread, c.unread(), active, c.unread().get("critical"), c.latestId());
    }

    /** The result of a state change: the notification and whether it was already in that state. */
    public record Changed(Notification notification, boolean unchanged) {
    }

    public Changed dismiss(String id) {
        Notification n = require(id);
        if (n.dismissed()) {
            return new Changed(n, true);
        }
        if (!n.dismissible()) {
            throw new NotAllowed("invalid state transition: critical notifications must be acknowledged first");
        }
        NotificationStore.Change c = store.change(id, "UPDATE notifications SET dismissed = 1, dismissed_at_ms = ? "
                + "WHERE id = ? AND dismissed = 0 AND (severity <> 'critical' OR acked = 1)", clock.millis());
        if (!c.changed()) {
            return new Changed(c.notification(), true); // dismissed concurrently
        }
        changed();
        return new Changed(c.notification(), false);
    }

    public Changed ack(String id, String operator) {
        Notification n = require(id);
        if (n.acked()) {
            return new Changed(n, true);
        }
        NotificationStore.Change c = store.change(id,
                "UPDATE notifications SET acked = 1, acked_at_ms = ?, acked_by = ? WHERE id = ? AND acked = 0",
                clock.millis(), operator);
        if (!c.changed()) {
            return new Changed(c.notification(), true); // acknowledged concurrently: the first one won
        }
        changed();
        return new Changed(c.notification(), false);
    }

    public record DismissedAll(int dismissed, long remainingActive) {
    }

    public DismissedAll dismissAll(String severity, String category) {
        int n = store.dismissAll(severity, category, clock.millis());
        long remaining = store.countActive(severity, category);
        if (n > 0) {
            changed();
        }
        return new DismissedAll(n, remaining);
    }

    /** Retention and capacity (daily/hourly housekeeping). */
    public int purge() {
        AmanConfig c = config.get();
        long cutoff = clock.millis() - Duration.ofDays(c.longValue("notifications.retention_days")).toMillis();
        int n = store.purge(cutoff, c.longValue("notifications.max_entries"));
        if (n > 0) {
            changed();
        }
        return n;
    }

    private Notification require(String id) {
        Notification n = store.find(id);
        if (n == null) {
            throw new NotFound(id);
        }
        return n;
    }

    private void changed() {
        refreshGauges();
        changeListeners.forEach(Runnable::run);
    }

    private void refreshGauges() {
        NotificationStore.Counts c = store.counts();
        c.active().forEach((sev, n) -> {
            AtomicLong v = activeBySeverity.get(sev);
            if (v != null) {
                v.set(n);
            }
        });
    }
}
