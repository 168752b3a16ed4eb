package xpf.properties.check;

import java.util.Map;
import java.util.SortedMap;
import xpf.model.scenario.GuestAccess;
import xpf.model.scenario.Outcome;
import xpf.model.scenario.OutcomeClass;
import xpf.model.scenario.TrapInfoSpec;
import xpf.model.scenario.XenProfile;
import xpf.model.x86.Vectors;
import xpf.model.xen.PvDomainView;
import xpf.model.xen.PvDomainView.Frame;
import xpf.model.xen.PvDomainView.FrameType;

/**
 * The invariants of a PV step, on the plain-data views before and after it (xen-pv-fault-path.md §2, §4, §5):
 * <ul>
 * <li>delivery: a #PF bounced to the guest goes to the handler its trap table registered for vector 14 at the
 * time, with CR2 = the faulting address for an access; no registered handler never gives a delivery (§5.3: the
 * domain is crashed);</li>
 * <li>silent fixes: the reference's intended effects of a fixed or emulated step (the PTE ptwr or mmu_update stores,
 * with Xen's adjustments; pins) are in memory afterwards;</li>
 * <li>isolation: every present entry of a validated L1 table the domain owns maps a frame the domain owns (or an I/O
 * frame it may map), never a frame of another domain or of Xen; no such entry maps a page-table frame writable;
 * type counts never go negative.</li>
 * </ul>
 */
final class PvInvariants {

    private PvInvariants() {
    }

    /**
     * @param hostWrote an entry changed behind Xen's back earlier in the run (or in this step): Xen's bookkeeping no
     *                  longer describes the tables, so isolation is not owed any more
     */
    static void check(Observation o, Snapshot.Pv before, PvDomainView after, Map<String, String> effects,
            boolean predictionMatched, boolean hostWrote) {
        PvDomainView.Vcpu v0 = before.view().vcpus().get(o.step().vcpu());
        delivery(o, v0);
        if (predictionMatched && effects != null && o.scenario().machine().xen() == XenProfile.XEN_4_22) {
            effects(o, after, effects);
        }
        if (after.alive() && !hostWrote) {
            isolation(o, after);
        }
    }

    static void delivery(Observation o, PvDomainView.Vcpu v0) {
        if (!(o.outcome() instanceof Outcome.Delivered dl) || dl.vector() != Vectors.PF) {
            if (o.outcome() instanceof Outcome.Delivered dl2 && dl2.vector() != Vectors.PF) {
                TrapInfoSpec t = v0.trap(dl2.vector());
                if (t == null || t.address() == 0) {
                    throw new Violation.Delivery("pv-no-handler", "vector " + dl2.vector() + " delivered to 0x"
                            + Long.toHexString(dl2.handler()) + " but the trap table has no handler for it ("
                            + o.where() + ")");
                }
            }
            return;
        }
        TrapInfoSpec t = v0.trap(Vectors.PF);
        if (t == null || t.address() == 0) {
            throw new Violation.Delivery("pv-no-handler", "#PF delivered to 0x" + Long.toHexString(dl.handler())
                    + " but no #PF handler was registered (Xen crashes the domain, §5.3) (" + o.where() + ")");
        }
        if (dl.handler() != t.address()) {
            throw new Violation.Delivery("pv-registered-handler", "#PF delivered to 0x"
                    + Long.toHexString(dl.handler()) + ", the trap table registered 0x" + Long.toHexString(t.address())
                    + " (" + o.where() + ")");
        }
        GuestAccess a = o.access();
        boolean perDomainArea = o.spec().kind() == xpf.model.scenario.DomainKind.PV32 ? a != null
                && (a.va() & 0xFFFFFFFFL) >= 0xF5800000L : a != null && a.va() >= 0xffff820000000000L
                        && a.va() < 0xffff828000000000L;
        // A fault in the GDT/LDT area is bounced with CR2 adjusted to the guest's LDT (ldt_base + offset).
        if (a != null && dl.cr2() != null && !a.implicit() && !perDomainArea) {
            long va = o.spec().kind() == xpf.model.scenario.DomainKind.PV32 ? a.va() & 0xFFFFFFFFL : a.va();
            long page = va & ~0xFFFL;
            long cr2 = dl.cr2();
            // CR2 is the first faulting byte: the access's address, or a later page of an access that crosses one.
            if (cr2 != va && (cr2 & ~0xFFFL) != page + 0x1000) {
                throw new Violation.Delivery("pv-cr2", "#PF delivered with CR2 0x" + Long.toHexString(cr2)
                        + " for an access at 0x" + Long.toHexString(va) + " (" + o.where() + ")");
            }
        }
        Long ec = dl.frame().get("error_code");
        if (ec != null && dl.errorCode() != null && ec.intValue() != dl.errorCode()) {
            throw new Violation.Delivery("pv-frame-error-code", "the bounce frame holds error code 0x"
                    + Long.toHexString(ec) + ", the delivery says 0x" + Integer.toHexString(dl.errorCode()) + " ("
                    + o.where() + ")");
        }
    }

    /** The reference's intended memory and pin effects happened (a silent fix did what it fixes). */
    static void effects(Observation o, PvDomainView after, Map<String, String> effects) {
        OutcomeClass c = o.outcomeClass();
        if (c != OutcomeClass.FIXED && c != OutcomeClass.EMULATED && c != OutcomeClass.HYPERCALL
                && c != OutcomeClass.OK) {
            return;
        }
        for (Map.Entry<String, String> e : effects.entrySet()) {
            String k = e.getKey();
            if (k.startsWith("mem.")) {
                long addr = Long.parseUnsignedLong(k.substring(6), 16);
                long want = Long.parseUnsignedLong(e.getValue().substring(2), 16);
                long got = after.memory().getOrDefault(addr, 0L);
                if (got != want) {
                    throw new Violation.SilentFix("pv-effect-memory", "after " + c.wireName() + " the reference "
                            + "stores 0x" + Long.toHexString(want) + " at 0x" + Long.toHexString(addr) + ", memory "
                            + "holds 0x" + Long.toHexString(got) + " (" + o.where() + ")");
                }
            } else if (k.startsWith("frame.") && k.endsWith(".pinned")) {
                long mfn = Long.parseUnsignedLong(k.substring(8, k.length() - 7), 16);
                Frame f = after.frames().get(mfn);
                boolean want = Boolean.parseBoolean(e.getValue());
                if (f == null || f.pinned() != want) {
                    throw new Violation.SilentFix("pv-effect-pin", "the reference " + (want ? "pins" : "unpins")
                            + " frame 0x" + Long.toHexString(mfn) + ", the frame table says " + f + " ("
                            + o.where() + ")");
                }
            }
        }
    }

    /** No guest-reachable mapping of a frame it does not own, and none writable of a page table. */
    static void isolation(Observation o, PvDomainView v) {
        int me = v.domid();
        long addrMask = 0x000F_FFFF_FFFF_F000L;
        for (Frame f : v.frames().values()) {
            if (f.typeCount() < 0 || f.count() < 0) {
                throw new Violation.Isolation("pv-counts", "frame 0x" + Long.toHexString(f.mfn()) + " has count "
                        + f.count() + ", type count " + f.typeCount() + " (" + o.where() + ")");
            }
            if (f.owner() != me || f.type() != FrameType.L1 || f.typeCount() <= 0 || !f.validated()) {
                continue;
            }
            long base = f.mfn() << 12;
            SortedMap<Long, Long> words = v.memory().subMap(base, base + 0x1000);
            int width = 8;
            for (Map.Entry<Long, Long> w : words.entrySet()) {
                long e = w.getValue();
                if ((w.getKey() - base) % width != 0 || (e & 1) == 0) {
                    continue;
                }
                long target = (e & addrMask) >>> 12;
                Frame t = v.frames().get(target);
                boolean io = v.iomemFrames().contains(target) || v.mmioRoFrames().contains(target);
                if (!io && (t == null || t.owner() != me)) {
                    throw new Violation.Isolation("pv-foreign-mapping", "L1 0x" + Long.toHexString(f.mfn())
                            + " entry " + (w.getKey() - base) / 8 + " = 0x" + Long.toHexString(e) + " maps frame 0x"
                            + Long.toHexString(target) + " owned by " + (t == null ? "nobody" : "domain "
                            + t.owner()) + " (" + o.where() + ")");
                }
                if ((e & 2) != 0 && t != null && t.type().level() > 0 && t.typeCount() > 0) {
                    throw new Violation.Isolation("pv-writable-page-table", "L1 0x" + Long.toHexString(f.mfn())
                            + " entry " + (w.getKey() - base) / 8 + " = 0x" + Long.toHexString(e)
                            + " maps the " + t.type() + " table 0x" + Long.toHexString(target) + " writable ("
                            + o.where() + ")");
                }
            }
        }
    }
}
