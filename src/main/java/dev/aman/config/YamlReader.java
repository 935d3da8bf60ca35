package dev.aman.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.schema.CoreSchema;

/**
 * Reads YAML with the rules of FORMATS §0: YAML 1.2 core schema, duplicate keys and custom tags are
 * errors, at most 50 aliases, nesting depth at most 64, BOM ignored.
 */
public final class YamlReader {
    private static final int MAX_DEPTH = 64;

    private YamlReader() {
    }

    /** Thrown for unreadable or malformed YAML; the message is one line. */
    public static final class YamlException extends Exception {
        YamlException(String message) {
            super(message, null, false, false);
        }
    }

    public static Object readFile(Path file) throws YamlException {
        try {
            return parse(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new YamlException("cannot read " + file + ": " + e.getMessage());
        }
    }

    public static Object parse(String text) throws YamlException {
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        LoadSettings settings = LoadSettings.builder()
                .setSchema(new CoreSchema())
                .setAllowDuplicateKeys(false)
                .setMaxAliasesForCollections(50)
                .setAllowRecursiveKeys(false)
                .build();
        try {
            Object doc = new Load(settings).loadFromString(text);
            checkDepth(doc, 0);
            return doc;
        } catch (YamlEngineException e) {
            throw new YamlException(firstLine(e.getMessage()));
        } catch (StackOverflowError e) {
            throw new YamlException("nesting deeper than " + MAX_DEPTH + " levels");
        }
    }

    private static void checkDepth(Object node, int depth) throws YamlException {
        if (depth > MAX_DEPTH) {
            throw new YamlException("nesting deeper than " + MAX_DEPTH + " levels");
        }
        if (node instanceof Map<?, ?> m) {
            for (Map.Entry<?, ?> e : m.entrySet()) {
                checkDepth(e.getValue(), depth + 1);
            }
        } else if (node instanceof List<?> l) {
            for (Object o : l) {
                checkDepth(o, depth + 1);
            }
        }
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "malformed YAML";
        }
        return message.replace('\n', ' ').replaceAll("\\s+", " ").trim();
    }
}
