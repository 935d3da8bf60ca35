package dev.aman.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
    @TempDir
    Path home;

    private ConfigLoader.Loaded load(String yaml, Map<String, String> env, ConfigLoader.Flags flags) throws IOException {
        if (yaml != null) {
            Files.writeString(home.resolve("config.yaml"), yaml);
        }
        return new ConfigLoader(ConfigSchema.standard(), env, home.resolve("user")).load(home, flags);
    }

    private AmanConfig load(String yaml) throws IOException {
        return load(yaml, Map.of(), ConfigLoader.Flags.none()).config();
    }

    @Test
    void defaults_apply_without_a_file() throws IOException {
        AmanConfig c = load(null);
        assertThat(c.http().bind().toString()).isEqualTo("127.0.0.1:9090");
        assertThat(c.http().maxBodyBytes()).isEqualTo(10L << 20);
        assertThat(c.http().devMode()).isTrue();
        assertThat(c.storage().jdbcUrl()).isEqualTo("jdbc:sqlite:" + home.resolve("data/aman.db"));
        assertThat(c.string("skills.dir")).isEqualTo(home.resolve("skills").toString());
        assertThat(c.configFile()).isNull();
        assertThat(c.setting("http.bind").layer()).isEqualTo(Layer.DEFAULT);
    }

    @Test
    void flag_beats_environment_beats_file() throws IOException {
        String yaml = "http:\n  bind: 127.0.0.1:7000\n  max_body_bytes: 2MiB\n";
        var env = Map.of("AMAN_HTTP_BIND", "127.0.0.1:7001", "AMAN_HTTP_MAX_BODY_BYTES", "3MiB");
        AmanConfig c = load(yaml, env, new ConfigLoader.Flags(null, "127.0.0.1:7002", null)).config();
        assertThat(c.http().bind().port()).isEqualTo(7002);
        assertThat(c.setting("http.bind").origin()).isEqualTo("flag --bind");
        assertThat(c.http().maxBodyBytes()).isEqualTo(3L << 20);
        assertThat(c.setting("http.max_body_bytes").origin()).isEqualTo("env AMAN_HTTP_MAX_BODY_BYTES");
    }

    @Test
    void environment_names_resolve_underscored_sections() throws IOException {
        var env = Map.of("AMAN_EVENT_BUS_RETRY_MAX_ATTEMPTS", "7", "AMAN_SECURITY_TOOLS_EXEC_ALLOW", "git, ls,,",
                "AMAN_RUNTIME_FORCE_ENABLE_DEBUG_ENDPOINTS", "yes");
        AmanConfig c = load(null, env, ConfigLoader.Flags.none()).config();
        assertThat(c.longValue("event_bus.retry.max_attempts")).isEqualTo(7);
        assertThat(c.stringList("security.tools.exec.allow")).containsExactly("git", "ls");
        assertThat(c.bool("runtime.force_enable_debug_endpoints")).isTrue();
    }

    @Test
    void api_token_alias_is_used_and_http_token_wins_with_a_warning() throws IOException {
        var only = load(null, Map.of("AMAN_API_TOKEN", "alias-token-1"), ConfigLoader.Flags.none());
        assertThat(only.config().http().token()).isEqualTo("alias-token-1");
        var both = load(null, Map.of("AMAN_API_TOKEN", "alias-token-1", "AMAN_HTTP_TOKEN", "main-token-1"),
                ConfigLoader.Flags.none());
        assertThat(both.config().http().token()).isEqualTo("main-token-1");
        assertThat(both.warnings()).anyMatch(w -> w.contains("AMAN_API_TOKEN"));
    }

    @Test
    void placeholders_expand_with_fallbacks_and_escapes() throws IOException {
        String yaml = "http:\n  token: \"${TOK}\"\n  bind: \"127.0.0.1:${PORT:-9191}\"\nstorage:\n  username: \"$${literal}\"\n";
        AmanConfig c = load(yaml, Map.of("TOK", "from-env-token"), ConfigLoader.Flags.none()).config();
        assertThat(c.http().token()).isEqualTo("from-env-token");
        assertThat(c.http().bind().port()).isEqualTo(9191);
        assertThat(c.string("storage.username")).isEqualTo("${literal}");
    }

    @Test
    void placeholder_may_feed_an_int_key() throws IOException {
        AmanConfig c = load("llm:\n  max_turns: ${TURNS}\n", Map.of("TURNS", "12"), ConfigLoader.Flags.none()).config();
        assertThat(c.longValue("llm.max_turns")).isEqualTo(12);
    }

    @Test
    void unset_placeholder_is_an_error_naming_key_and_variable() {
        var e = catchThrowableOfType(ConfigException.class, () -> load("http:\n  token: ${NOPE}\n"));
        assertThat(e.errors()).containsExactly("http.token: environment variable NOPE is not set");
    }

    @Test
    void all_errors_are_collected_with_key_paths() {
        String yaml = "http:\n  max_body_bytes: 12\nevent_bus:\n  retry:\n    max_attempts: 0\nlogging:\n  level: loud\n";
        var e = catchThrowableOfType(ConfigException.class, () -> load(yaml));
        assertThat(e.errors()).hasSize(3);
        assertThat(e.errors()).anyMatch(l -> l.startsWith("http.max_body_bytes: "));
        assertThat(e.errors()).anyMatch(l -> l.startsWith("event_bus.retry.max_attempts: must be 1–100, got 0"));
        assertThat(e.errors()).anyMatch(l -> l.startsWith("logging.level: must be one of"));
    }

    @Test
    void list_item_errors_use_indexed_paths() {
        String yaml = "llm:\n  providers:\n    - name: a\n      kind: openai\n      model: m\n    - name: b\n      kind: nope\n      model: m\n";
        var e = catchThrowableOfType(ConfigException.class, () -> load(yaml));
        assertThat(e.errors()).anyMatch(l -> l.startsWith("llm.providers[1].kind: "));
    }

    @Test
    void unknown_keys_only_warn() throws IOException {
        var loaded = load("http:\n  bindd: x\nnosuch: 1\n", Map.of(), ConfigLoader.Flags.none());
        assertThat(loaded.warnings()).contains("unknown config key: http.bindd", "unknown config key: nosuch");
    }

    @Test
    void yaml_12_keeps_yes_as_a_string_so_a_bool_key_rejects_it() {
        var e = catchThrowableOfType(ConfigException.class, () -> load("http:\n  allow_insecure_remote: yes\n"));
        assertThat(e.errors()).anyMatch(l -> l.startsWith("http.allow_insecure_remote: must be a boolean"));
    }

    @Test
    void numbers_are_not_coerced_to_strings() {
        var e = catchThrowableOfType(ConfigException.class, () -> load("runtime:\n  default_agent: 5\n"));
        assertThat(e.errors()).anyMatch(l -> l.startsWith("runtime.default_agent: must be a string"));
    }

    @Test
    void duplicate_keys_and_custom_tags_are_errors() {
        assertThatThrownBy(() -> load("http:\n  bind: a:1\n  bind: b:2\n")).isInstanceOf(ConfigException.class);
        assertThatThrownBy(() -> load("http:\n  bind: !custom 127.0.0.1:1\n")).isInstanceOf(ConfigException.class);
    }

    @Test
    void explicit_null_means_default() throws IOException {
        assertThat(load("http:\n  bind: ~\n").http().bind().port()).isEqualTo(9090);
    }

    @Test
    void secrets_never_appear_in_errors() {
        var e = catchThrowableOfType(ConfigException.class, () -> load("http:\n  token: \"sh ort\"\n"));
        assertThat(String.join("\n", e.errors())).doesNotContain("sh ort");
        var e2 = catchThrowableOfType(ConfigException.class, () -> load("http:\n  token: 123456789\n"));
        assertThat(String.join("\n", e2.errors())).doesNotContain("123456789");
    }

    @Test
    void weak_tokens_are_refused() {
        var e = catchThrowableOfType(ConfigException.class, () -> load("http:\n  token: ChangeMe\n"));
        assertThat(e.errors()).anyMatch(l -> l.startsWith("http.token: "));
    }

    @Test
    void explicit_config_file_must_exist() {
        var e = catchThrowableOfType(ConfigException.class,
                () -> load(null, Map.of(), new ConfigLoader.Flags(home.resolve("missing.yaml"), null, null)));
        assertThat(e.errors().get(0)).contains("does not exist");
    }

    @Test
    void config_version_other_than_1_is_an_error() {
        assertThatThrownBy(() -> load("config_version: 2\n")).isInstanceOf(ConfigException.class);
    }

    @Test
    void postgres_urls_are_normalised_and_credentials_extracted() throws IOException {
        AmanConfig c = load("storage:\n  url: postgres://bob:s%40cret@db.local:5433/aman\n");
        assertThat(c.storage().jdbcUrl()).isEqualTo("jdbc:postgresql://db.local:5433/aman");
        assertThat(c.storage().username()).isEqualTo("bob");
        assertThat(c.storage().password()).isEqualTo("s@cret");
        assertThat(c.storage().backend()).isEqualTo(StorageConfig.Backend.POSTGRESQL);
    }

    @Test
    void other_storage_schemes_are_refused() {
        assertThatThrownBy(() -> load("storage:\n  url: mysql://x/y\n")).isInstanceOf(ConfigException.class);
    }

    @Test
    void config_show_masks_secrets_and_names_layers() throws IOException {
        AmanConfig c = load("http:\n  token: very-secret-token\n", Map.of("AMAN_LLM_MAX_TURNS", "9"),
                ConfigLoader.Flags.none()).config();
        String shown = ConfigPrinter.render(c);
        assertThat(shown).doesNotContain("very-secret-token").contains("token: \"***\"  # file");
        assertThat(shown).contains("max_turns: 9  # env AMAN_LLM_MAX_TURNS");
    }

    @Test
    void redactor_masks_configured_secrets_and_credential_shapes() {
        var r = new SecretRedactor(java.util.List.of("sekrit-token-1"));
        assertThat(r.redact("a sekrit-token-1 b")).isEqualTo("a *** b");
        assertThat(r.redact("Authorization: Bearer abc.def")).isEqualTo("Authorization: Bearer ***");
        assertThat(r.redact("GET /x?token=abc&y=1")).isEqualTo("GET /x?token=***&y=1");
        assertThat(r.redact("postgres://u:pw@h/db")).isEqualTo("postgres://u:***@h/db");
    }
}
