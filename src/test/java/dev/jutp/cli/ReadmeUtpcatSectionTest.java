package dev.jutp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.commons.cli.Option;
import org.junit.jupiter.api.Test;

/** The README's "### utpcat" section agrees with {@code utpcat -h}, and its commands parse. */
class ReadmeUtpcatSectionTest {
    private static final Path README =
            Path.of(System.getProperty("basedir", System.getProperty("user.dir"))).resolve("README.md");
    private static final Pattern OPTION = Pattern.compile("(?<![\\w<|-])(--?[A-Za-z0-9][A-Za-z-]*)");

    private static String section() throws Exception {
        String readme = Files.readString(README);
        int start = readme.indexOf("\n### utpcat\n");
        assertTrue(start >= 0, "README has no ### utpcat section");
        int end = readme.indexOf("\n#", start + 5);
        return readme.substring(start, end < 0 ? readme.length() : end);
    }

    /** The first fenced block of the section: the usage summary. */
    private static String usageBlock() throws Exception {
        String s = section();
        int open = s.indexOf("```\n");
        return s.substring(open + 4, s.indexOf("```", open + 4));
    }

    private static List<Option> allOptions() {
        List<Option> all = new ArrayList<>(CatOptions.catOptions().getOptions());
        all.addAll(CatOptions.demoOptions().getOptions());
        return all;
    }

    @Test
    void synopsisLinesAreThoseOfTheHelp() throws Exception {
        List<String> readme = usageBlock().lines().filter(l -> l.startsWith("utpcat ")).toList();
        List<String> help = CatOptions.SYNOPSIS.lines().limit(3)
                .map(l -> l.replaceFirst("^(usage:)?\\s*", "")).toList();
        assertEquals(help, readme);
    }

    @Test
    void usageBlockNamesEveryOptionOfTheHelpAndNoOther() throws Exception {
        String block = usageBlock();
        Set<String> known = new TreeSet<>();
        for (Option o : allOptions()) {
            String name = o.getOpt() != null ? "-" + o.getOpt() : "--" + o.getLongOpt();
            known.add(name);
            if (o.getLongOpt() != null) {
                known.add("--" + o.getLongOpt());
            }
            String shown = o.hasArg() ? name + " <" + o.getArgName() + ">" : name;
            assertTrue(block.contains(shown), "README usage lacks " + shown + ":\n" + block);
        }
        Matcher m = OPTION.matcher(block);
        while (m.find()) {
            assertTrue(known.contains(m.group(1)), "README names an option utpcat does not have: " + m.group(1));
        }
    }

    @Test
    void everyCommandInTheSectionParses() throws Exception {
        int commands = 0;
        boolean inShell = false;
        for (String line : section().lines().toList()) {
            if (line.startsWith("```")) {
                inShell = line.equals("```sh");
                continue;
            }
            // Commands: "$ bin/utpcat ..." in sample output, every "utpcat ..." line of a sh block.
            String cmd = line.startsWith("$ bin/utpcat ") ? line.substring("$ bin/utpcat ".length())
                    : inShell && line.startsWith("utpcat ") ? line.substring("utpcat ".length()) : null;
            if (cmd == null) {
                continue;
            }
            List<String> args = new ArrayList<>();
            String[] words = cmd.replaceFirst("\\s#.*", "").trim().split("\\s+");
            for (int i = 0; i < words.length; i++) {
                if (words[i].equals("<") || words[i].equals(">")) {
                    i++; // a redirection and its file
                } else {
                    args.add(words[i]);
                }
            }
            try {
                assertFalse(args.isEmpty(), line);
                CatOptions.parse(args.toArray(String[]::new));
            } catch (UsageException e) {
                fail("README command does not parse: " + line + ": " + e.getMessage());
            }
            commands++;
        }
        assertTrue(commands >= 4, "expected the section's example commands, found " + commands);
    }
}
