package xpf.properties.check;

import java.util.Map;
import xpf.model.scenario.GateSpec;
import xpf.model.scenario.GuestAccess;
import xpf.model.scenario.IdtSpec;
import xpf.model.scenario.Insn;
import xpf.model.scenario.Outcome;
import xpf.model.x86.AccessKind;
import xpf.model.x86.PagingMode;
import xpf.model.x86.PfErrorCode;
import xpf.model.x86.Vectors;
import xpf.model.x86.WalkOutcome;
import xpf.sim.scenario.BareDomain;
import xpf.sim.x86.PhysicalMemory;

/**
 * The invariants of a bare (no Xen) step. With empty TLB and paging-structure caches the x86 reference decides the
 * access exactly: completion, the #PF error code and CR2, A/D updates (set on success, never on a fault), and the
 * access's effect in memory; a delivery goes to the registered gate. With warm caches only the effects are checked
 * (a stale translation is allowed to be used: that is what the caches are).
 */
final class BareInvariants {

    private BareInvariants() {
    }

    static void check(Observation o, Snapshot.Bare before) {
        GuestAccess a = o.access();
        WalkProbe.Probe p = before.probe();
        if (a == null || p == null || HvmInvariants.crosses(a)) {
            return;
        }
        BareDomain b = (BareDomain) o.domain();
        PhysicalMemory mem = b.mmu(o.step().vcpu()).memory();
        WalkOutcome r = p.outcome();
        PagingMode mode = before.vcpu().controls().mode();
        Outcome out = o.outcome();
        if (r.note() != null) {
            return;   // a documented divergence (e.g. AMD SMAP on implicit accesses)
        }
        if (r.fault() && r.vector() != null && r.vector() != Vectors.PF) {
            int got = out instanceof Outcome.ArchException x ? x.vector()
                    : out instanceof Outcome.Delivered dl ? dl.vector() : -1;
            // The exception's own delivery may fault again (#DF, or a triple fault when that fails too): the
            // bare oracle checks the delivery chain; here only a different first exception is wrong.
            if (got != r.vector() && !(out instanceof Outcome.DoubleFault) && !(out instanceof Outcome.TripleFault)) {
                throw new Violation.Oracle("walk-exception", "the reference raises vector " + r.vector()
                        + ", the x86 model gave " + out.summary() + " (" + o.where() + ")");
            }
            return;
        }
        if (r.fault()) {
            Integer ec = null;
            Long cr2 = null;
            if (out instanceof Outcome.ArchException x && x.vector() == Vectors.PF) {
                ec = x.errorCode();
                cr2 = x.cr2();
            } else if (out instanceof Outcome.Delivered dl && dl.vector() == Vectors.PF) {
                ec = dl.errorCode();
                cr2 = dl.cr2();
            } else if (out instanceof Outcome.DoubleFault || out instanceof Outcome.TripleFault) {
                return;
            } else {
                throw new Violation.Oracle("walk-fault-reaches-guest", "the reference walk faults with "
                        + PfErrorCode.symbolic(r.errorCode()) + ", the x86 model gave " + out.summary() + " ("
                        + o.where() + ")");
            }
            if (ec == null || ec.intValue() != r.errorCode()) {
                throw new Violation.Oracle("walk-error-code", "reference #PF " + PfErrorCode.symbolic(r.errorCode())
                        + ", x86 model " + PfErrorCode.symbolic(ec) + " (" + o.where() + ")");
            }
            if (cr2 == null || cr2 != before.access().va()) {
                throw new Violation.Oracle("walk-cr2", "CR2 " + cr2 + " for a fault at 0x" + Long.toHexString(a.va())
                        + " (" + o.where() + ")");
            }
            if (out instanceof Outcome.ArchException) {
                for (Map.Entry<Long, Long> e : p.words().entrySet()) {
                    if (mode == PagingMode.PAE && isPdpte(before, e.getKey())) {
                        continue;
                    }
                    long now = WalkProbe.entry(mode, mem::readWord, e.getKey());
                    if (now != e.getValue()) {
                        throw new Violation.Oracle("walk-fault-no-ad", "entry at 0x" + Long.toHexString(e.getKey())
                                + " changed to 0x" + Long.toHexString(now) + " on a faulting walk (" + o.where() + ")");
                    }
                }
            }
            if (out instanceof Outcome.Delivered dl) {
                delivered(o, dl);
            }
            return;
        }
        // Success.
        if (!(out instanceof Outcome.Completed c)) {
            throw new Violation.Oracle("walk-ok-completes", "the reference walk translates 0x"
                    + Long.toHexString(a.va()) + " to 0x" + Long.toHexString(r.pa()) + ", the x86 model gave "
                    + out.summary() + " (" + o.where() + ")");
        }
        long pa = r.pa();
        boolean ownEntry = false;
        for (long addr : p.words().keySet()) {
            if (addr < pa + a.size() && pa < addr + 8) {
                ownEntry = true;
            }
        }
        if (!ownEntry) {
            for (Map.Entry<Long, Long> e : r.memoryAfter().entrySet()) {
                long now = WalkProbe.entry(mode, mem::readWord, e.getKey());
                if (now != e.getValue()) {
                    throw new Violation.Oracle("walk-ad-bits", "entry at 0x" + Long.toHexString(e.getKey()) + " is 0x"
                            + Long.toHexString(now) + " after the walk, the reference sets 0x"
                            + Long.toHexString(e.getValue()) + " (" + o.where() + ")");
                }
            }
        }
        if (a.kind() == AccessKind.WRITE && a.insn() == Insn.MOV && !ownEntry) {
            long got = mem.read(pa, a.size());
            long want = a.value() & HvmInvariants.mask(a.size());
            if (got != want) {
                throw new Violation.SilentFix("write-landed", "wrote 0x" + Long.toHexString(want) + " at 0x"
                        + Long.toHexString(pa) + ", memory holds 0x" + Long.toHexString(got) + " (" + o.where() + ")");
            }
        } else if (a.kind() == AccessKind.READ && c.value() != null) {
            long got = mem.read(pa, a.size());
            if (got != c.value()) {
                throw new Violation.SilentFix("read-value", "read 0x" + Long.toHexString(c.value()) + " at 0x"
                        + Long.toHexString(pa) + ", memory holds 0x" + Long.toHexString(got) + " (" + o.where() + ")");
            }
        }
    }

    private static boolean isPdpte(Snapshot.Bare before, long addr) {
        long base = before.vcpu().controls().cr3() & 0xFFFFFFE0L;
        return addr >= base && addr < base + 32;
    }

    static void delivered(Observation o, Outcome.Delivered dl) {
        IdtSpec idt = o.spec().vcpus().get(o.step().vcpu()).idt();
        GateSpec gate = idt == null ? null : idt.gates().stream().filter(g -> g.vector() == dl.vector()).findFirst()
                .orElse(null);
        if (gate == null || !gate.present() || gate.handler() != dl.handler()) {
            throw new Violation.Delivery("registered-handler", "vector " + dl.vector() + " delivered to 0x"
                    + Long.toHexString(dl.handler()) + ", registered: " + gate + " (" + o.where() + ")");
        }
        Long ec = dl.frame().get("error_code");
        if (dl.errorCode() != null && ec != null && ec != Integer.toUnsignedLong(dl.errorCode())) {
            throw new Violation.Delivery("frame-error-code", "frame error code 0x" + Long.toHexString(ec)
                    + ", delivered " + dl.errorCode() + " (" + o.where() + ")");
        }
    }
}
