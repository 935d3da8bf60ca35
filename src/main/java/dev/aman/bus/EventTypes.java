package dev.aman.bus;

import java.util.List;
import java.util.regex.Pattern;

/** Built-in event types (FORMATS §4.4) and the names clients may not publish (FORMATS §4.1). */
public final class EventTypes {
    public static final Pattern TYPE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9:_.-]{0,127}");
    public static final Pattern SOURCE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9:_./@-]{0,127}");
    public static final Pattern TRACE_ID = Pattern.compile("[A-Za-z0-9._-]{8,64}");

    public static final List<String> BUILTIN = List.of(
            "timer_tick", "heartbeat", "cron_tick", "cron_missed", "webhook_received", "file_created", "file_changed",
            "file_deleted", "message_received", "agent:message", "idle", "system_signal", "system.queue_drained",
            "runtime:phase_changed", "runtime:ready", "runtime:stopping", "backpressure_changed", "config_changed",
            "dlq:enqueued", "dlq:retried", "dlq:discarded", "dlq:expired", "notification:created", "injection_detected",
            "capability_registry_updated", "skill_loaded", "skill_reloaded", "skill:enabled", "skill:disabled",
            "skill:rolled_back", "skill:completed", "skill:action_failed", "soul_changed", "workflow:instance_created",
            "workflow_state_changed", "workflow:reloaded", "session:started", "session:closed", "session:deleted",
            "chat:message_edited", "chat:stop_requested", "agent:turn_started", "agent:reply_stream_start",
            "agent:reply_chunk", "agent:reply_stream_done", "agent:reply_ready", "agent:reply_interrupted",
            "agent:reply_error", "agent:max_turns_reached", "agent:status_changed", "agent:registered", "agent:reloaded",
            "tool:dispatched", "tool:completed", "tool:failed", "tool:security_denied", "tool_auth_required",
            "tool_auth_resolved", "llm:call_started", "llm:call_ended", "llm_error", "llm:fallback", "llm:provider_down",
            "llm:provider_recovered", "plugin:installed", "plugin:uninstalled", "plugin:enabled", "plugin:disabled",
            "plugin:started", "plugin:stopped", "plugin:crashed", "plugin:failed");

    private static final List<String> RESERVED_TYPE_PREFIXES = List.of("runtime:", "agent:", "tool:", "llm:", "session:",
            "chat:", "workflow:", "skill:", "plugin:", "dlq:", "notification:");
    private static final List<String> RESERVED_SOURCE_PREFIXES = List.of("skill:", "workflow:", "agent:", "tool:", "llm:",
            "chat:", "plugin:", "im:");

    private EventTypes() {
    }

    /** {@code /events/push} refuses it: built-in or in a reserved namespace. */
    public static boolean reservedType(String type) {
        return BUILTIN.contains(type) || RESERVED_TYPE_PREFIXES.stream().anyMatch(type::startsWith);
    }

    public static boolean reservedSource(String source) {
        return source.equals("runtime") || RESERVED_SOURCE_PREFIXES.stream().anyMatch(source::startsWith);
    }
}
