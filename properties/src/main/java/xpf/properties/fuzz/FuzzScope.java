package xpf.properties.fuzz;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import xpf.model.scenario.DomainKind;
import xpf.model.scenario.XenProfile;
import xpf.properties.SuiteProperties;
import xpf.properties.gen.Family;
import xpf.properties.gen.Generated;
import xpf.properties.gen.ScenarioGens;
import xpf.properties.paths.Catalogue;
import xpf.prop.Choices;
import xpf.prop.Gen;
import xpf.prop.Gens;
import xpf.prop.choice.RandomSource;
import xpf.sim.cli.UserError;

/**
 * What a fuzz run generates: the suite's scenario families ({@code --only pv|svm|vmx|hap|x86}, default all the suite
 * can generate), an optional Xen profile ({@code --profile}) and the seeded bug switches turned on ({@code --bug}).
 * The family of a try is its first choice (a {@code oneOf} over the families), so it shrinks and replays like
 * everything else, and the same generator serves the random mode and Jazzer.
 *
 * @param families the suite's families in scope, in a fixed order
 * @param kind     only scenarios whose first domain is of this kind (svm / vmx), or null
 * @param profile  only scenarios on this Xen profile, or null
 * @param bugs     seeded bug switches the scenarios turn on
 * @param skipped  families of the default scope the suite cannot generate in this build (reported, never silent)
 */
public record FuzzScope(List<Family> families, DomainKind kind, XenProfile profile, List<String> bugs,
        List<Family> skipped) {

    /** The {@code --only} names. */
    public static final List<String> ONLY = List.of("pv", "svm", "vmx", "hap", "x86");

    public FuzzScope {
        families = List.copyOf(families);
        bugs = List.copyOf(bugs);
        skipped = List.copyOf(skipped);
        if (families.isEmpty()) {
            throw new UserError("fuzz: nothing to generate");
        }
    }

    /**
     * @param only    null (everything the suite generates) or one of {@link #ONLY}
     * @param profile null or a Xen profile wire name (xen-3.1, xen-4.22)
     */
    public static FuzzScope parse(String only, String profile, List<String> bugs) {
        XenProfile p = null;
        if (profile != null) {
            try {
                p = XenProfile.fromWire(profile);
            } catch (IllegalArgumentException e) {
                throw new UserError("fuzz: --profile: " + e.getMessage());
            }
        }
        List<String> b = bugs == null ? List.of() : List.copyOf(new LinkedHashSet<>(bugs));
        Set<String> known = knownBugs();
        for (String id : b) {
            if (!known.contains(id)) {
                throw new UserError("fuzz: --bug: unknown bug switch '" + id + "' (expected one of "
                        + String.join(", ", known) + ")");
            }
        }
        if (only == null) {
            List<Family> ok = new ArrayList<>();
            List<Family> skip = new ArrayList<>();
            for (Family f : Family.values()) {
                (available(f) ? ok : skip).add(f);
            }
            return new FuzzScope(ok, null, p, b, skip);
        }
        String o = only.toLowerCase(Locale.ROOT).trim();
        return switch (o) {
            case "x86" -> new FuzzScope(need(Family.BARE, o), null, p, b, List.of());
            case "pv" -> new FuzzScope(need(Family.PV, o), null, p, b, List.of());
            case "hap" -> new FuzzScope(need(Family.HVM_HAP, o), null, p, b, List.of());
            case "svm" -> new FuzzScope(hvm(o), DomainKind.HVM_SVM, p, b, List.of());
            case "vmx" -> new FuzzScope(hvm(o), DomainKind.HVM_VMX, p, b, List.of());
            default -> throw new UserError("fuzz: --only: expected one of " + String.join(", ", ONLY) + ", got '"
                    + only + "'");
        };
    }

    private static List<Family> hvm(String only) {
        List<Family> l = new ArrayList<>();
        for (Family f : List.of(Family.HVM_SHADOW, Family.HVM_HAP)) {
            if (available(f)) {
                l.add(f);
            }
        }
        if (l.isEmpty()) {
            throw new UserError("fuzz: --only " + only + ": the property suite has no HVM generator in this build");
        }
        return l;
    }

    private static List<Family> need(Family f, String only) {
        if (!available(f)) {
            throw new UserError("fuzz: --only " + only + ": the property suite has no generator for the "
                    + f.id() + " family in this build yet (families it generates: " + availableIds() + ")");
        }
        return List.of(f);
    }

    private static String availableIds() {
        List<String> ids = new ArrayList<>();
        for (Family f : Family.values()) {
            if (available(f)) {
                ids.add(f.id());
            }
        }
        return String.join(", ", ids);
    }

    /** Whether the suite's generator for {@code f} exists in this build (the suite grows family by family). */
    static boolean available(Family f) {
        try {
            ScenarioGens.scenarios(f).generate(new Choices(new RandomSource().reseed(0)));
            return true;
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            return false;
        } catch (RuntimeException e) {
            // generated something, then refused it: the family exists (the generator bug is the fuzzer's to find)
            return true;
        }
    }

    private static Set<String> knownBugs() {
        return new java.util.TreeSet<>(xpf.sim.scenario.BugSwitches.ids());
    }

    /** The scenario generator of one family under this scope's filters. */
    public Gen<Generated> gen(Family f) {
        Gen<Generated> g = ScenarioGens.scenarios(f, bugs, ScenarioGens.MAX_GROUPS, false);
        if (kind == null && profile == null) {
            return g;
        }
        return g.filter("fuzz scope " + describe(), x -> (kind == null
                || x.scenario().domains().get(0).kind() == kind)
                && (profile == null || x.scenario().machine().xen() == profile));
    }

    /** One generator for the whole scope: the first choice picks the family. */
    public Gen<Generated> gen() {
        if (families.size() == 1) {
            return gen(families.get(0));
        }
        List<Gen<? extends Generated>> gens = new ArrayList<>();
        for (Family f : families) {
            gens.add(gen(f));
        }
        return Gens.oneOf(gens);
    }

    /** The catalogue paths this scope claims to reach (their labels), in catalogue order. */
    public List<String> cataloguePaths() {
        Set<String> s = new LinkedHashSet<>();
        for (Family f : families) {
            for (Catalogue c : Catalogue.of(SuiteProperties.suiteOf(f))) {
                if (kind == null || !c.label().startsWith(kind == DomainKind.HVM_SVM ? "vmx-" : "svm-")) {
                    s.add(c.label());
                }
            }
        }
        return List.copyOf(s);
    }

    /** For headers and file comments: {@code hvm-shadow+hvm-hap, kind hvm-svm, xen-4.22, bugs [xsa-173]}. */
    public String describe() {
        StringBuilder b = new StringBuilder();
        b.append(String.join("+", families.stream().map(Family::id).toList()));
        if (kind != null) {
            b.append(", kind ").append(kind.wireName());
        }
        if (profile != null) {
            b.append(", ").append(profile.wireName());
        }
        if (!bugs.isEmpty()) {
            b.append(", bugs ").append(bugs);
        }
        return b.toString();
    }
}
