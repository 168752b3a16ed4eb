package xpf.conformance.walk;

import xpf.sim.walk.WalkCaseRules;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.function.Predicate;

import xpf.model.x86.Access;
import xpf.model.x86.AccessKind;
import xpf.model.x86.CpuConfig;
import xpf.model.x86.PagingControls;
import xpf.model.x86.PagingMode;
import xpf.model.x86.Vendor;
import xpf.model.x86.WalkCase;

/**
 * Delta debugging for walk cases: shrinks a failing case while the failure persists, by greedy passes repeated until
 * none makes progress — drop memory entries (halves, then one by one), switch control bits off, zero PKRU/PKRS,
 * return CPU parameters to defaults and lower MAXPHYADDR, simplify the access, clear entry, VA and CR3 bits.
 * Every candidate must be valid walk-service input ({@link WalkCaseRules}); the number of predicate calls is
 * bounded.
 */
public final class WalkCaseMinimiser {

    private final Predicate<WalkCase> fails;
    private final int budget;
    private int calls;

    private WalkCaseMinimiser(Predicate<WalkCase> fails, int budget) {
        this.fails = fails;
        this.budget = budget;
    }

    /** The smallest case found that still fails; {@code start} itself must fail. */
    public static WalkCase minimise(WalkCase start, Predicate<WalkCase> fails) {
        return minimise(start, fails, 50_000);
    }

    public static WalkCase minimise(WalkCase start, Predicate<WalkCase> fails, int budget) {
        return new WalkCaseMinimiser(fails, budget).run(start);
    }

    private WalkCase run(WalkCase start) {
        WalkCase c = start;
        boolean progress = true;
        while (progress && calls < budget) {
            WalkCase before = c;
            c = dropEntries(c);
            c = relocate(c);
            c = controls(c);
            c = cpu(c);
            c = access(c);
            c = entryBits(c);
            c = addressBits(c);
            progress = !c.equals(before);
        }
        return c;
    }

    private boolean stillFails(WalkCase candidate) {
        if (calls >= budget || !WalkCaseRules.valid(candidate)) {
            return false;
        }
        calls++;
        return fails.test(candidate);
    }

    private WalkCase dropEntries(WalkCase c) {
        List<Long> keys = new ArrayList<>(c.memory().keySet());
        // halves first (cheap when most entries are noise), then single entries
        for (int chunk = Math.max(1, keys.size() / 2); chunk >= 1; chunk /= 2) {
            for (int from = 0; from < keys.size(); ) {
                List<Long> drop = keys.subList(from, Math.min(keys.size(), from + chunk));
                TreeMap<Long, Long> m = new TreeMap<>(c.memory());
                drop.forEach(m::remove);
                WalkCase cand = new WalkCase(c.cpu(), c.controls(), m, c.access());
                if (stillFails(cand)) {
                    c = cand;
                    keys = new ArrayList<>(c.memory().keySet());
                } else {
                    from += chunk;
                }
            }
            if (chunk == 1) {
                break;
            }
        }
        return c;
    }

    /**
     * Renumbers the 4 KiB pages that hold entries (and the CR3 page) as 0x1000, 0x2000, ... in address order, rewriting
     * CR3, the entry addresses and every entry value whose address field points into one of those pages. A heuristic
     * rewrite: kept only if the case still fails, so it can never change what is reported.
     */
    private WalkCase relocate(WalkCase c) {
        PagingMode mode = c.controls().mode();
        long field = mode == PagingMode.LEGACY2 ? 0xFFFF_F000L : ((1L << c.cpu().maxPhyAddr()) - 1) & ~0xFFFL;
        java.util.TreeSet<Long> pages = new java.util.TreeSet<>();
        pages.add(c.controls().cr3() & field);
        for (Long k : c.memory().keySet()) {
            pages.add(k & ~0xFFFL);
        }
        java.util.Map<Long, Long> to = new java.util.HashMap<>();
        long next = 0x1000;
        for (Long p : pages) {
            to.put(p, next);
            next += 0x1000;
        }
        if (to.entrySet().stream().allMatch(e -> e.getKey().equals(e.getValue()))) {
            return c;
        }
        TreeMap<Long, Long> m = new TreeMap<>();
        for (var e : c.memory().entrySet()) {
            long key = to.get(e.getKey() & ~0xFFFL) | (e.getKey() & 0xFFF);
            long v = e.getValue();
            Long target = to.get(v & field);
            m.put(key, target == null ? v : (v & ~field) | target);
        }
        long cr3 = c.controls().cr3();
        long newCr3 = (cr3 & ~field) | to.get(cr3 & field);
        WalkCase cand = new WalkCase(c.cpu(), c.controls().withCr3(newCr3), m, c.access());
        return stillFails(cand) ? cand : c;
    }

    private WalkCase withControls(WalkCase c, PagingControls k) {
        return new WalkCase(c.cpu(), k, c.memory(), c.access());
    }

    private WalkCase controls(WalkCase c) {
        PagingControls k = c.controls();
        c = tryOr(c, k.cr0Wp(), withControls(c, k.withWp(false)));
        c = tryOr(c, c.controls().cr4Pse(), withControls(c, c.controls().withPse(false)));
        c = tryOr(c, c.controls().cr4Pge(), withControls(c, c.controls().withPge(false)));
        c = tryOr(c, c.controls().cr4Smep(), withControls(c, c.controls().withSmep(false)));
        c = tryOr(c, c.controls().cr4Smap(), withControls(c, c.controls().withSmap(false)));
        c = tryOr(c, c.controls().cr4Pke(), withControls(c, c.controls().withPke(false)));
        c = tryOr(c, c.controls().cr4Pks(), withControls(c, c.controls().withPks(false)));
        c = tryOr(c, c.controls().eferNxe(), withControls(c, c.controls().withNxe(false)));
        c = tryOr(c, c.controls().eflagsAc(), withControls(c, c.controls().withAc(false)));
        c = tryOr(c, c.controls().pkru() != 0, withControls(c, c.controls().withPkru(0)));
        for (int b = 31; b >= 0 && c.controls().pkru() != 0; b--) {
            int v = c.controls().pkru();
            c = tryOr(c, (v & (1 << b)) != 0, withControls(c, c.controls().withPkru(v & ~(1 << b))));
        }
        c = tryOr(c, c.controls().pkrs() != 0, withControls(c, c.controls().withPkrs(0)));
        for (int b = 31; b >= 0 && c.controls().pkrs() != 0; b--) {
            int v = c.controls().pkrs();
            c = tryOr(c, (v & (1 << b)) != 0, withControls(c, c.controls().withPkrs(v & ~(1 << b))));
        }
        return c;
    }

    private WalkCase cpu(WalkCase c) {
        CpuConfig cpu = c.cpu();
        c = tryOr(c, cpu.vendor() != Vendor.INTEL,
                new WalkCase(new CpuConfig(Vendor.INTEL, cpu.maxPhyAddr(), cpu.page1gb()), c.controls(), c.memory(),
                        c.access()));
        cpu = c.cpu();
        c = tryOr(c, !cpu.page1gb(), new WalkCase(new CpuConfig(cpu.vendor(), cpu.maxPhyAddr(), true), c.controls(),
                c.memory(), c.access()));
        cpu = c.cpu();
        for (int m = CpuConfig.MIN_MAXPHYADDR; m < cpu.maxPhyAddr(); m++) {
            WalkCase cand = new WalkCase(new CpuConfig(cpu.vendor(), m, cpu.page1gb()), c.controls(), c.memory(),
                    c.access());
            if (stillFails(cand)) {
                return cand;
            }
        }
        return c;
    }

    private WalkCase withAccess(WalkCase c, Access a) {
        return new WalkCase(c.cpu(), c.controls(), c.memory(), a);
    }

    private WalkCase access(WalkCase c) {
        Access a = c.access();
        c = tryOr(c, a.implicit(), withAccess(c, new Access(a.va(), a.kind(), a.cpl(), false, a.stack())));
        a = c.access();
        c = tryOr(c, a.stack(), withAccess(c, new Access(a.va(), a.kind(), a.cpl(), a.implicit(), false)));
        a = c.access();
        c = tryOr(c, a.cpl() != 0, withAccess(c, new Access(a.va(), a.kind(), 0, a.implicit(), a.stack())));
        a = c.access();
        c = tryOr(c, a.kind() != AccessKind.READ,
                withAccess(c, new Access(a.va(), AccessKind.READ, a.cpl(), a.implicit(), a.stack())));
        return c;
    }

    private WalkCase entryBits(WalkCase c) {
        for (Long address : new ArrayList<>(c.memory().keySet())) {
            for (int b = 63; b >= 0; b--) {
                long v = c.memory().get(address);
                if ((v & (1L << b)) == 0) {
                    continue;
                }
                TreeMap<Long, Long> m = new TreeMap<>(c.memory());
                m.put(address, v & ~(1L << b));
                WalkCase cand = new WalkCase(c.cpu(), c.controls(), m, c.access());
                if (stillFails(cand)) {
                    c = cand;
                }
            }
        }
        return c;
    }

    private WalkCase addressBits(WalkCase c) {
        for (int b = 63; b >= 0; b--) {
            Access a = c.access();
            if ((a.va() & (1L << b)) != 0) {
                c = tryOr(c, true, withAccess(c, new Access(a.va() & ~(1L << b), a.kind(), a.cpl(), a.implicit(),
                        a.stack())));
            }
        }
        for (int b = 63; b >= 0; b--) {
            long cr3 = c.controls().cr3();
            if ((cr3 & (1L << b)) != 0) {
                c = tryOr(c, true, withControls(c, c.controls().withCr3(cr3 & ~(1L << b))));
            }
        }
        return c;
    }

    /** The candidate if {@code applicable} and it still fails, else the current case. */
    private WalkCase tryOr(WalkCase current, boolean applicable, WalkCase candidate) {
        return applicable && stillFails(candidate) ? candidate : current;
    }
}
