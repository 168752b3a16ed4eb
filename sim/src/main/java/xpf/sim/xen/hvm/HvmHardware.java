package xpf.sim.xen.hvm;

import java.util.ArrayList;
import java.util.List;
import xpf.model.scenario.GuestAccess;
import xpf.model.scenario.Insn;
import xpf.model.x86.Access;
import xpf.model.x86.AccessKind;
import xpf.model.x86.Vectors;
import xpf.sim.trace.Trace;
import xpf.sim.x86.IdtDelivery;
import xpf.sim.x86.NestedPaging;
import xpf.sim.x86.PhysicalMemory;
import xpf.sim.x86.SdmExceptionCombiner;
import xpf.sim.xen.mm.shadow.ShadowHardware;

/**
 * The processor while a vCPU is in guest mode (between VMRUN/VMRESUME and the next exit): it delivers the event
 * being injected through the guest's IDT, or executes the step's instruction, translating every access the way the
 * domain's paging mode makes the hardware do it (the shadow tables under shadow paging, the guest's tables plus
 * nested tables under HAP). A fault the hypervisor intercepts ends the run with an exit carrying the event that was
 * being delivered; any other fault is architectural and, during delivery, combined by the SDM table (a triple fault
 * exits).
 */
final class HvmHardware {

    /** One access's translation: a host-physical address, an architectural exception, or an exit. */
    private record Tr(long hpa, int vector, Integer errorCode, long cr2, HwExit exit) {
        boolean ok() {
            return vector < 0 && exit == null;
        }
    }

    private static final int MAX_COMBINATIONS = 4;

    private HvmHardware() {
    }

    /** Delivers {@code inject} if there is one, otherwise executes {@code insn}. */
    static GuestRun run(HvmVcpu v, HvmEvent inject, GuestAccess insn, Trace t) {
        if (!v.domain().hap()) {
            v.domain().shadow().enterPaeVcpu(v, t);   // the hardware runs on this vCPU's own PAE shadow l3
        }
        if (inject != null) {
            return deliver(v, inject, t);
        }
        if (v.raisedByProcessor != null) {
            // the instruction faults in the processor before any memory access (the #GP(0) of a failed PDPTE load)
            HvmEvent ev = v.raisedByProcessor;
            v.raisedByProcessor = null;
            t.hardware(Vectors.mnemonic(ev.vector()), "ec", ev.errorCode(), "intercepted", false);
            return deliver(v, ev, t);
        }
        return execute(v, insn, t);
    }

    private static Tr translate(HvmVcpu v, Access a) {
        HvmDomain d = v.domain();
        if (!d.hap()) {
            ShadowHardware.Result r = ShadowHardware.translate(d.shadow().tables(), v.shadowRoot(), a, v.guestMode(),
                    ShadowHardware.hardwareControls(v.controls(), v.pagingEnabled(), d.hostNx()),
                    d.xen().machine().cpu());
            return switch (r.status()) {
                case OK -> new Tr(r.hpa(), -1, null, 0, null);
                case PAGE_FAULT -> v.arch().intercepts(Vectors.PF, r.errorCode())
                        ? new Tr(0, -1, null, 0, new HwExit.Exception(Vectors.PF, r.errorCode(), r.la(), null))
                        : new Tr(0, Vectors.PF, r.errorCode(), r.la(), null);
                case GP -> new Tr(0, Vectors.GP, 0, 0, null);
                case SS -> new Tr(0, Vectors.SS, 0, 0, null);
            };
        }
        // PAE PDPTEs. EPT: the processor walks with the PDPTE registers a MOV to CR3 in VMX non-root operation (or
        // a VM entry, from the VMCS guest-PDPTE fields Xen's vmx_load_pdptrs writes) loaded and checked (SDM vol. 3
        // §4.4.1, §4.11.1). NPT: there are no PDPTE registers under nested paging; the processor reads the guest's
        // PDPTEs from memory with each walk (hardware cannot cache them for the guest: KVM commit e4e517b4be01
        // "Architecturally, PDPTEs are cached in the PDPTRs when CR3 is reloaded. On SVM, it is not possible";
        // KVM nested_svm_load_cr3 loads PDPTRs only without nested NPT), so a reserved bit there is a #PF(P|RSVD)
        // of the walk, not a #GP of the MOV CR3 (finding seed5-try67837, 27 Nov 2026).
        NestedPaging.Result r = NestedPaging.translate(d.machineMemory(), d.guestCpu(), v.controls(),
                v.pagingEnabled(), v.arch().svm() ? null : v.pdpte, a, d.p2m()::hardwareEntry);
        return switch (r.status()) {
            case OK -> new Tr(r.hpa(), -1, null, 0, null);
            case PAGE_FAULT -> v.arch().intercepts(Vectors.PF, r.errorCode())
                    ? new Tr(0, -1, null, 0, new HwExit.Exception(Vectors.PF, r.errorCode(), r.la(), null))
                    : new Tr(0, Vectors.PF, r.errorCode(), r.la(), null);
            case NESTED_FAULT -> new Tr(0, -1, null, 0, new HwExit.NestedFault(r.nested(), null));
            case GP -> new Tr(0, Vectors.GP, 0, 0, null);
            case SS -> new Tr(0, Vectors.SS, 0, 0, null);
        };
    }

    /** The guest executes the step's instruction: every page it touches is translated before memory changes. */
    private static GuestRun execute(HvmVcpu v, GuestAccess insn, Trace t) {
        int size = insn.kind() == AccessKind.FETCH ? 1 : insn.size();
        long va = insn.va();
        if (!v.longMode()) {
            va &= 0xFFFFFFFFL;
        }
        List<long[]> pieces = new ArrayList<>(); // {hpa, bytes}
        int done = 0;
        while (done < size) {
            long a = va + done;
            int chunk = (int) Math.min(Math.min(size - done, 8), 0x1000 - (a & 0xFFF));
            Access acc = new Access(a, insn.kind(), v.cpl(), insn.implicit(), insn.stack());
            Tr tr = translate(v, acc);
            if (tr.exit() != null) {
                return new GuestRun.Exit(tr.exit());
            }
            if (!tr.ok()) {
                t.hardware(Vectors.mnemonic(tr.vector()), "va", a, "ec", tr.vector() == Vectors.PF
                        ? Trace.ec(tr.errorCode()) : tr.errorCode(), "intercepted", false);
                if (tr.vector() == Vectors.PF) {
                    v.arch().hardwareWritesCr2(tr.cr2());
                }
                return deliver(v, new HvmEvent(tr.vector(), EventType.HW_EXC, tr.errorCode(),
                        tr.vector() == Vectors.PF ? tr.cr2() : null), t);
            }
            pieces.add(new long[] {tr.hpa(), chunk});
            done += chunk;
        }
        PhysicalMemory mem = v.domain().machineMemory();
        if (insn.kind() != AccessKind.WRITE) {
            long old = insn.kind() == AccessKind.READ ? readBytes(mem, pieces) : 0;
            t.hardware("access", "va", va, "kind", insn.kind().wireName(), "result", "ok");
            return new GuestRun.Completed(insn.kind() == AccessKind.READ ? old : null);
        }
        long cur = readBytes(mem, pieces);
        long value = insn.value() == null ? 0 : insn.value();
        Insn form = insn.insn() == null ? Insn.MOV : insn.insn();
        long neu = switch (form) {
            case CMPXCHG -> cur == (insn.compare() == null ? 0 : insn.compare()) ? value : cur;
            case LOCK_OR -> cur | value;
            default -> value;
        };
        writeBytes(mem, pieces, neu);
        t.hardware("access", "va", va, "kind", "write", "result", "ok");
        return new GuestRun.Completed(null);
    }

    private static long readBytes(PhysicalMemory mem, List<long[]> pieces) {
        long v = 0;
        int pos = 0;
        for (long[] p : pieces) {
            for (int i = 0; i < p[1] && pos < 8; i++, pos++) {
                v |= mem.read(p[0] + i, 1) << (8 * pos);
            }
        }
        return v;
    }

    private static void writeBytes(PhysicalMemory mem, List<long[]> pieces, long value) {
        int pos = 0;
        for (long[] p : pieces) {
            for (int i = 0; i < p[1]; i++, pos++) {
                mem.write(p[0] + i, 1, pos < 8 ? value >>> (8 * pos) : 0);
            }
        }
    }

    /** The IDT-delivery memory of a vCPU in guest mode: faults it intercepts become exits. */
    private static final class Port implements IdtDelivery.Memory {
        private final HvmVcpu v;
        HwExit exit;

        Port(HvmVcpu v) {
            this.v = v;
        }

        private IdtDelivery.Fault fault(Tr tr) {
            if (tr.exit() != null) {
                exit = tr.exit();
                return IdtDelivery.Fault.vmExit();
            }
            return IdtDelivery.Fault.exception(tr.vector(), tr.errorCode(),
                    tr.vector() == Vectors.PF ? tr.cr2() : null);
        }

        @Override
        public IdtDelivery.Fault read(Access a, int size, long[] out) {
            Tr tr = translate(v, a);
            if (!tr.ok()) {
                return fault(tr);
            }
            out[0] = v.domain().machineMemory().read(tr.hpa(), size);
            return null;
        }

        @Override
        public IdtDelivery.Fault write(Access a, int size, long value) {
            Tr tr = translate(v, a);
            if (!tr.ok()) {
                return fault(tr);
            }
            v.domain().machineMemory().write(tr.hpa(), size, value);
            return null;
        }
    }

    /**
     * Delivers {@code ev} through the guest IDT. A fault the hypervisor intercepts exits with {@code ev} as the
     * interrupted event; an architectural one is combined per SDM Table 6-5 (for #PF the processor writes CR2 first).
     */
    static GuestRun deliver(HvmVcpu v, HvmEvent ev, Trace t) {
        boolean pfInChain = ev.vector() == Vectors.PF;
        for (int i = 0; i < MAX_COMBINATIONS; i++) {
            if (v.idt == null) {
                t.hardware("idt_delivery", "vector", ev.vector(), "result", "not_simulated (no IDT)");
                return new GuestRun.Delivered(null, ev, v.arch().guestVisibleCr2(), pfInChain);
            }
            Port port = new Port(v);
            IdtDelivery.Result r = IdtDelivery.deliver(ev.vector(), ev.errorCode(), v.cpuState(), v.idtTables(), port);
            if (r.ok()) {
                IdtDelivery.Delivered d = r.delivered();
                v.enterHandler(d);
                t.hardware("idt_delivery", "vector", ev.vector(), "ec", ev.errorCode() == null ? "-"
                        : ev.vector() == Vectors.PF ? Trace.ec(ev.errorCode()) : ev.errorCode(), "handler",
                        d.gate().offset(), "rsp", d.after().rsp(), "cr2", v.arch().guestVisibleCr2());
                return new GuestRun.Delivered(d, ev, v.arch().guestVisibleCr2(), pfInChain);
            }
            IdtDelivery.Fault f = r.fault();
            if (f.exit()) {
                t.hardware("fault_during_delivery", "vector", ev.vector(), "stage", r.stage().name().toLowerCase(
                        java.util.Locale.ROOT), "exit", true);
                if (pfInChain) {
                    v.log.pfWrittenBeforeExit(); // the re-queued event keeps the #PF of its chain (and %cr2)
                }
                return new GuestRun.Exit(withIdtVectoring(port.exit, ev));
            }
            t.hardware("fault_during_delivery", "vector", ev.vector(), "stage",
                    r.stage().name().toLowerCase(java.util.Locale.ROOT), "fault", Vectors.mnemonic(f.vector()),
                    "ec", f.errorCode() == null ? "-" : f.errorCode());
            if (f.vector() == Vectors.PF) {
                v.arch().hardwareWritesCr2(f.cr2());
                pfInChain = true;
            }
            int first = ev.type() == EventType.HW_EXC ? ev.vector() : -1;
            switch (SdmExceptionCombiner.combine(first, f.vector())) {
                case SERIAL -> ev = new HvmEvent(f.vector(), EventType.HW_EXC, f.errorCode(), f.cr2());
                case DOUBLE_FAULT -> ev = HvmEvent.hwException(Vectors.DF, 0);
                case TRIPLE_FAULT -> {
                    t.hardware("triple_fault", "during", Vectors.mnemonic(ev.vector()));
                    return new GuestRun.Exit(new HwExit.Shutdown(ev));
                }
            }
        }
        return new GuestRun.Exit(new HwExit.Shutdown(ev));
    }

    private static HwExit withIdtVectoring(HwExit e, HvmEvent ev) {
        return switch (e) {
            case HwExit.Exception x -> new HwExit.Exception(x.vector(), x.errorCode(), x.va(), ev);
            case HwExit.NestedFault n -> new HwExit.NestedFault(n.fault(), ev);
            case HwExit.Shutdown s -> new HwExit.Shutdown(ev);
        };
    }
}
