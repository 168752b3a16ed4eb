package xpf.sim.xen.pv;

import static org.assertj.core.api.Assertions.assertThat;
import static xpf.sim.xen.pv.PvFixture.e;
import static xpf.sim.xen.pv.PvFixture.pteAddr;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import xpf.model.scenario.GuestAccess;
import xpf.model.scenario.HypercallOp;
import xpf.model.scenario.Insn;
import xpf.model.scenario.Step;
import xpf.model.scenario.XenProfile;
import xpf.model.x86.AccessKind;
import xpf.sim.scenario.ScenarioRunner;
import xpf.sim.trace.Trace;
import xpf.sim.x86.EntryBits;

/**
 * Isolation is the invariant (§4.2): whatever a guest asks, it never maps a frame it does not own or Xen's memory,
 * never maps a page table writable, and every reference is accounted for. Seeded random sequences of page-table
 * hypercalls, PTE writes through ptwr, pins, base-pointer switches and accesses, checked after every step.
 */
class IsolationInvariantTest {
    static final long[] OWN = {PvFixture.L4, PvFixture.L3, PvFixture.L2, PvFixture.L1, PvFixture.DATA,
        PvFixture.NEWDATA, PvFixture.STACK, PvFixture.COW, PvFixture.L1B, 0x1009, 0x100a, 0x100b};
    static final long[] FLAGS = {EntryBits.P, EntryBits.RW, EntryBits.US, EntryBits.A, EntryBits.D, EntryBits.PS,
        EntryBits.PCD, EntryBits.G, EntryBits.XD};

    static long randomEntry(Random r) {
        if (r.nextInt(8) == 0) {
            return 0;
        }
        long frame = switch (r.nextInt(10)) {
            case 0 -> PvFixture.FOREIGN;
            case 1 -> 0x10;              // Xen's
            case 2 -> 1L << 28;          // beyond RAM
            default -> OWN[r.nextInt(OWN.length)];
        };
        long flags = EntryBits.P;
        for (long f : FLAGS) {
            if (r.nextInt(3) == 0) {
                flags |= f;
            }
        }
        if (r.nextInt(4) != 0) {
            flags |= EntryBits.RW | EntryBits.US;
            flags &= ~(EntryBits.PS | EntryBits.PCD);
        }
        return e(frame, flags);
    }

    static Step randomStep(Random r) {
        int kind = r.nextInt(10);
        return switch (kind) {
            case 0, 1, 2 -> {
                long table = OWN[r.nextInt(OWN.length)];
                int slot = r.nextInt(5) == 0 ? 256 + r.nextInt(8) : r.nextInt(12);
                yield PvFixture.mmuUpdate(pteAddr(table, slot), randomEntry(r));
            }
            case 3, 4 -> PvFixture.step(new GuestAccess(PvFixture.VA_L1 + 8L * (7 + r.nextInt(5)), AccessKind.WRITE,
                    8, randomEntry(r), null, false, false, r.nextBoolean() ? Insn.MOV : Insn.XCHG, null));
            case 5 -> PvFixture.mmuext(r.nextInt(5), OWN[r.nextInt(OWN.length)], 0);
            case 6 -> PvFixture.hypercall(new HypercallOp.UpdateVaMapping(0x1000L * r.nextInt(16), randomEntry(r),
                    r.nextInt(3)));
            case 7 -> r.nextInt(6) == 0 ? PvFixture.mmuext(DoMmuextOp.NEW_BASEPTR, OWN[r.nextInt(4)], 0)
                    : PvFixture.hypercall(new HypercallOp.Iret());
            default -> PvFixture.step(new GuestAccess(0x1000L * r.nextInt(16) + 8 * r.nextInt(4),
                    r.nextBoolean() ? AccessKind.READ : AccessKind.WRITE, 8, 1L, null, false, false,
                    null, null));
        };
    }

    static PvFixture rich(XenProfile p) {
        PvFixture f = PvFixture.pv64().profile(p);
        f.frames.put("x1", 0x1009L);
        f.frames.put("x2", 0x100aL);
        f.frames.put("x3", 0x100bL);
        return f;
    }

    /** Outcome classes seen, to show the random runs do reach the interesting paths. */
    static final java.util.Map<String, Integer> SEEN = new java.util.TreeMap<>();

    static List<String> runAndCheck(PvFixture f, long seed, int steps) {
        Random r = new Random(seed);
        List<Step> list = new ArrayList<>();
        for (int i = 0; i < steps; i++) {
            list.add(randomStep(r));
        }
        ScenarioRunner.Run run = ScenarioRunner.run(f.scenario(List.of()));
        PvDomain d = (PvDomain) run.domains().get("guest");
        Trace t = new Trace();
        List<String> bad = new ArrayList<>();
        for (int i = 0; i < list.size() && d.alive(); i++) {
            t.beginStep(i);
            xpf.model.scenario.Outcome o = d.step(list.get(i), t);
            String key = o.outcomeClass().wireName() + (o instanceof xpf.model.scenario.Outcome.HypercallReturned h
                    ? " rc=" + h.rc() : o instanceof xpf.model.scenario.Outcome.Emulated em ? " " + em.what() : "");
            SEEN.merge(key, 1, Integer::sum);
            if (!d.alive()) {
                break;
            }
            for (String v : PvInvariants.check(d)) {
                bad.add("seed " + seed + " step " + i + " (" + list.get(i).op() + "): " + v);
            }
            if (!bad.isEmpty()) {
                break;
            }
        }
        return bad;
    }

    @Test
    @DisplayName("pv.4.2 random guest page-table activity never breaks isolation or reference balance (4.22)")
    void isolationHoldsUnderRandomActivity() {
        List<String> bad = new ArrayList<>();
        for (long seed = 1; seed <= 150 && bad.isEmpty(); seed++) {
            bad.addAll(runAndCheck(rich(XenProfile.XEN_4_22), seed, 30));
        }
        assertThat(bad).isEmpty();
        // The runs must reach successful updates, emulations, deliveries and refusals alike.
        assertThat(SEEN).containsKeys("hypercall rc=0", "emulated ptwr", "delivered", "hypercall rc=-16",
                "hypercall rc=-22");
    }

    @Test
    @DisplayName("pv.4.2 the same for a 32-bit guest (PAE tables, L3 slot 3, ring-1 kernel)")
    void isolationHoldsForThirtyTwoBitGuests() {
        List<String> bad = new ArrayList<>();
        for (long seed = 1; seed <= 100 && bad.isEmpty(); seed++) {
            bad.addAll(runAndCheck(PvFixture.pv32(), seed, 30));
        }
        assertThat(bad).isEmpty();
    }

    @Test
    @DisplayName("pv.4.2 the initial state of every fixture is balanced (both profiles, 64- and 32-bit)")
    void initialStateIsBalanced() {
        for (XenProfile p : XenProfile.values()) {
            for (PvFixture f : List.of(PvFixture.pv64().profile(p), PvFixture.pv32().profile(p))) {
                ScenarioRunner.Run run = f.run();
                assertThat(PvInvariants.check((PvDomain) run.domains().get("guest"))).isEmpty();
            }
        }
    }

    @Test
    @DisplayName("xsa-182 seeded: the checker sees the writable recursive entry the bug lets in")
    void checkerCatchesTheXsa182Bug() {
        ScenarioRunner.Run r = PvFixture.pv64().bug("xsa-182").run(
                PvFixture.mmuUpdate(pteAddr(PvFixture.L4, 5), e(PvFixture.L4, EntryBits.P | EntryBits.US)),
                PvFixture.mmuUpdate(pteAddr(PvFixture.L4, 5), e(PvFixture.L4, PvFixture.UP)),
                PvFixture.mmuUpdate(pteAddr(PvFixture.L4, 6), e(PvFixture.L3, EntryBits.P | EntryBits.US)));
        assertThat(PvInvariants.check((PvDomain) r.domains().get("guest")))
                .anySatisfy(v -> assertThat(v).contains("writable"));
    }
}
