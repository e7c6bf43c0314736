package dev.jutp.capi;

import static dev.jutp.capi.Utp.*;
import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * {@link Utp} against libutp's {@code utp.h} and {@code utp_api.cpp}: every enum constant with its
 * value, every function by name, the three name tables, and the callback-argument and stats
 * struct fields. The fixed table below always runs; the parse of libutp's own sources (shipped in
 * the utp-native npm package the interop tests install) runs where they are present and is
 * mandatory in CI.
 */
class UtpHeaderParityTest {
    static final Path LIBUTP = Path.of("src/test/interop/node_modules/utp-native/deps/libutp");

    /** utp.h's values, written out from the header. */
    static final Map<String, Integer> EXPECTED = new LinkedHashMap<>();
    static {
        EXPECTED.put("UTP_UDP_DONTFRAG", 2);
        EXPECTED.put("UTP_STATE_CONNECT", 1);
        EXPECTED.put("UTP_STATE_WRITABLE", 2);
        EXPECTED.put("UTP_STATE_EOF", 3);
        EXPECTED.put("UTP_STATE_DESTROYING", 4);
        EXPECTED.put("UTP_ECONNREFUSED", 0);
        EXPECTED.put("UTP_ECONNRESET", 1);
        EXPECTED.put("UTP_ETIMEDOUT", 2);
        String[] slots = {"UTP_ON_FIREWALL", "UTP_ON_ACCEPT", "UTP_ON_CONNECT", "UTP_ON_ERROR", "UTP_ON_READ",
            "UTP_ON_OVERHEAD_STATISTICS", "UTP_ON_STATE_CHANGE", "UTP_GET_READ_BUFFER_SIZE", "UTP_ON_DELAY_SAMPLE",
            "UTP_GET_UDP_MTU", "UTP_GET_UDP_OVERHEAD", "UTP_GET_MILLISECONDS", "UTP_GET_MICROSECONDS",
            "UTP_GET_RANDOM", "UTP_LOG", "UTP_SENDTO", "UTP_LOG_NORMAL", "UTP_LOG_MTU", "UTP_LOG_DEBUG",
            "UTP_SNDBUF", "UTP_RCVBUF", "UTP_TARGET_DELAY", "UTP_ARRAY_SIZE"};
        for (int i = 0; i < slots.length; i++) {
            EXPECTED.put(slots[i], i);
        }
        EXPECTED.put("UTP_IOV_MAX", 1024);
    }

    static final List<String> FUNCTIONS = List.of("utp_init", "utp_destroy", "utp_set_callback",
            "utp_context_set_userdata", "utp_context_get_userdata", "utp_context_set_option",
            "utp_context_get_option", "utp_process_udp", "utp_process_icmp_error", "utp_process_icmp_fragmentation",
            "utp_check_timeouts", "utp_issue_deferred_acks", "utp_get_context_stats", "utp_create_socket",
            "utp_set_userdata", "utp_get_userdata", "utp_setsockopt", "utp_getsockopt", "utp_connect", "utp_write",
            "utp_writev", "utp_getpeername", "utp_read_drained", "utp_get_delays", "utp_get_stats",
            "utp_get_context", "utp_shutdown", "utp_close");

    @Test
    void constantsHaveLibutpValues() throws Exception {
        for (var e : EXPECTED.entrySet()) {
            assertEquals(e.getValue(), constant(e.getKey()), e.getKey());
        }
    }

    @Test
    void everyFunctionExistsAsAPublicStaticMethod() {
        Set<String> methods = Arrays.stream(Utp.class.getMethods())
                .filter(m -> Modifier.isStatic(m.getModifiers())).map(Method::getName).collect(Collectors.toSet());
        for (String f : FUNCTIONS) {
            assertTrue(methods.contains(f), f);
        }
    }

    @Test
    void nameTablesMatchLibutp() {
        assertArrayEquals(new String[] {null, "UTP_STATE_CONNECT", "UTP_STATE_WRITABLE", "UTP_STATE_EOF", "UTP_STATE_DESTROYING"},
                utp_state_names());
        assertArrayEquals(new String[] {"UTP_ECONNREFUSED", "UTP_ECONNRESET", "UTP_ETIMEDOUT"}, utp_error_code_names());
        String[] callbacks = utp_callback_names();
        assertEquals(16, callbacks.length);
        for (int i = 0; i < callbacks.length; i++) {
            assertEquals(i, EXPECTED.get(callbacks[i]), "callback name " + i + " is " + callbacks[i]);
            assertEquals(callbacks[i], utp_callback_name(i));
        }
        assertNull(utp_callback_name(16));
        assertNull(utp_state_name(0));
        assertEquals("UTP_STATE_EOF", utp_state_name(UTP_STATE_EOF));
        assertEquals("UTP_ETIMEDOUT", utp_error_code_name(UTP_ETIMEDOUT));
        assertNull(utp_error_code_name(-1));
        utp_callback_names()[0] = "changed";
        assertEquals("UTP_ON_FIREWALL", utp_callback_names()[0], "the tables are copies, not shared state");
    }

    // ------------------------------------------------------------------ against libutp's own sources

    @Test
    void libutpHeaderEnumsAndFunctionsAllExistWithTheSameValues() throws Exception {
        String header = stripComments(source("utp.h"));
        Map<String, Integer> parsed = parseEnums(header);
        Matcher iov = Pattern.compile("#define\\s+UTP_IOV_MAX\\s+(\\d+)").matcher(header);
        assertTrue(iov.find());
        parsed.put("UTP_IOV_MAX", Integer.parseInt(iov.group(1)));
        assertEquals(EXPECTED, parsed, "utp.h's constants");
        for (var e : parsed.entrySet()) {
            assertEquals(e.getValue(), constant(e.getKey()), e.getKey());
        }
        Set<String> declared = new TreeSet<>();
        Matcher fn = Pattern.compile("\\b(utp_[a-z_]+)\\s*\\(").matcher(header.replaceAll("typedef[^;]*;", " "));
        while (fn.find()) {
            declared.add(fn.group(1));
        }
        assertEquals(new TreeSet<>(FUNCTIONS), declared, "utp.h's functions");
    }

    @Test
    void libutpNameTablesAreOurs() throws Exception {
        String api = stripComments(source("utp_api.cpp"));
        assertArrayEquals(table(api, "utp_callback_names"), utp_callback_names());
        assertArrayEquals(table(api, "utp_error_code_names"), utp_error_code_names());
        assertArrayEquals(table(api, "utp_state_names"), utp_state_names());
    }

    @Test
    void libutpStructFieldsHaveAccessors() throws Exception {
        String header = stripComments(source("utp.h"));
        Set<String> args = structFields(header, "utp_callback_arguments");
        assertEquals(13, args.size(), args.toString());
        assertHasAccessors(UtpCallbackArguments.class, args, Set.of("address_len"));   // an InetSocketAddress carries its own length
        Set<String> socketStats = structFields(header, "utp_socket_stats");
        assertEquals(8, socketStats.size(), socketStats.toString());
        assertHasAccessors(UtpSocketStats.class, socketStats, Set.of());
        Set<String> contextStats = structFields(header, "utp_context_stats");
        assertEquals(Set.of("_nraw_recv", "_nraw_send"), contextStats);
        assertHasAccessors(UtpContextStats.class, contextStats, Set.of());
    }

    // ------------------------------------------------------------------ helpers

    static int constant(String name) throws ReflectiveOperationException {
        var f = Utp.class.getField(name);
        assertTrue(Modifier.isStatic(f.getModifiers()) && Modifier.isFinal(f.getModifiers()), name);
        return f.getInt(null);
    }

    static String source(String file) throws IOException {
        Path p = LIBUTP.resolve(file);
        boolean present = Files.isRegularFile(p);
        if (!present && "true".equals(System.getenv("CI"))) {
            fail(p + " missing: CI installs it (npm install --prefix src/test/interop)");
        }
        assumeTrue(present, p + " missing (npm install --prefix src/test/interop)");
        return Files.readString(p);
    }

    static String stripComments(String c) {
        return c.replaceAll("(?s)/\\*.*?\\*/", " ").replaceAll("//[^\n]*", " ");
    }

    /** C enum semantics: each name is the explicit value or the previous one plus one. */
    static Map<String, Integer> parseEnums(String header) {
        Map<String, Integer> out = new LinkedHashMap<>();
        Matcher m = Pattern.compile("enum\\s*\\{([^}]*)\\}").matcher(header);
        while (m.find()) {
            int next = 0;
            for (String item : m.group(1).split(",")) {
                String t = item.trim();
                if (t.isEmpty()) {
                    continue;
                }
                String[] kv = t.split("=");
                int value = kv.length == 2 ? Integer.decode(kv[1].trim()) : next;
                out.put(kv[0].trim(), value);
                next = value + 1;
            }
        }
        return out;
    }

    static String[] table(String source, String name) {
        Matcher m = Pattern.compile(name + "\\[\\]\\s*=\\s*\\{([^}]*)\\}").matcher(source);
        assertTrue(m.find(), name);
        return Arrays.stream(m.group(1).split(",")).map(String::trim).filter(s -> !s.isEmpty())
                .map(s -> s.equals("NULL") ? null : s.substring(1, s.length() - 1)).toArray(String[]::new);
    }

    /** Field names of {@code typedef struct { ... } name;}, unions flattened, array suffixes dropped. */
    static Set<String> structFields(String header, String name) {
        Matcher m = Pattern.compile("typedef\\s+struct\\s*\\{((?:[^{}]|\\{[^{}]*\\})*)\\}\\s*" + name + "\\s*;").matcher(header);
        assertTrue(m.find(), name);
        Set<String> fields = new TreeSet<>();
        for (String decl : m.group(1).replaceAll("union\\s*\\{|\\}", ";").split(";")) {
            Matcher id = Pattern.compile("\\**([A-Za-z_][A-Za-z0-9_]*)\\s*(\\[\\d+\\])?\\s*$").matcher(decl.trim());
            if (!decl.isBlank() && id.find()) {
                fields.add(id.group(1));
            }
        }
        return fields;
    }

    static void assertHasAccessors(Class<?> type, Set<String> fields, Set<String> exempt) {
        assertFalse(fields.isEmpty(), type.getSimpleName());
        Set<String> methods = Arrays.stream(type.getMethods()).map(Method::getName).collect(Collectors.toSet());
        for (String f : fields) {
            if (!exempt.contains(f)) {
                assertTrue(methods.contains(f), type.getSimpleName() + " lacks " + f + "()");
            }
        }
    }
}
