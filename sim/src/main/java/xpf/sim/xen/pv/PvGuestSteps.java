package xpf.sim.xen.pv;

import java.util.LinkedHashMap;
import java.util.SequencedMap;
import xpf.model.scenario.ControlWrite;
import xpf.model.scenario.GuestAccess;
import xpf.model.scenario.HypercallOp;
import xpf.model.scenario.Insn;
import xpf.model.scenario.Outcome;
import xpf.model.x86.Access;
import xpf.model.x86.AccessKind;
import xpf.model.x86.Vectors;
import xpf.sim.domain.ScenarioError;
import xpf.sim.trace.Trace;
import xpf.sim.x86.LinearAccess;
import xpf.sim.x86.Mmu;
import xpf.sim.xen.XenFunction;

/**
 * What a PV guest's step does on the machine, and where Xen comes in: an access runs on the vCPU's MMU and a fault
 * enters Xen's #PF path; a hypercall enters Xen and returns through {@code test_all_events}; a CR3 write traps to
 * Xen's privileged-op emulation. Each ends in the step's outcome (docs/pv-path.md §2).
 */
final class PvGuestSteps {

    private final PvDomain d;

    PvGuestSteps(PvDomain d) {
        this.d = d;
    }

    // ---- guest accesses ----

    Outcome guestAccess(PvVcpu v, GuestAccess a) {
        int cpl = d.hardwareCpl(v);
        String where = "steps[" + d.trace().currentStep() + "]";
        if (a.cpl() != null && a.cpl() != cpl) {
            throw new ScenarioError(where + ".cpl", "a PV vCPU's privilege level follows its mode (here CPL " + cpl
                    + "); switch modes with a delivered fault or iret, not with cpl");
        }
        if (a.implicit() && (Long.compareUnsigned(a.va(), PvLayout.GDT_LDT_VIRT_START) < 0
                || Long.compareUnsigned(a.va(), PvLayout.GDT_LDT_VIRT_END) >= 0)) {
            // Implicit supervisor accesses are the CPU's own descriptor-table and TSS accesses (SDM vol. 3A §4.6).
            // A PV guest owns none of those tables' linear bases: Xen loads GDTR and LDTR with its per-vCPU GDT/LDT
            // area (PERDOMAIN slot 260, GDT_LDT_VIRT_START; set_gdt / MMUEXT_SET_LDT only name the frames), and the
            // IDT and TSS are Xen's. So no implicit access of a PV guest lands elsewhere, and an implicit write
            // elsewhere would be a supervisor write through Xen's own mappings (the linear page table at slot 258 is
            // read-write for ring 0: seed 21 try 244068 wrote the guest's L4 that way).
            throw new ScenarioError(where + ".implicit", "a PV guest's implicit (descriptor-table) accesses go to "
                    + "Xen's GDT/LDT area 0x" + Long.toHexString(PvLayout.GDT_LDT_VIRT_START) + "..0x"
                    + Long.toHexString(PvLayout.GDT_LDT_VIRT_END - 1) + "; 0x" + Long.toHexString(a.va())
                    + " is outside it");
        }
        if (d.pv32() && !a.implicit() && Long.compareUnsigned(a.va(), 1L << 32) >= 0) {
            throw new ScenarioError(where + ".va", "a 32-bit PV guest's addresses are 32-bit");
        }
        if (a.size() > 8 && a.insn() != Insn.MOVDQU) {
            throw new ScenarioError(where + ".size", "accesses wider than 8 bytes need insn: movdqu");
        }
        d.trace().op("access", "va", a.va(), "kind", a.kind().wireName(), "size", a.size(), "cpl", cpl, "insn",
                a.insn() == null ? "-" : a.insn().wireName());
        return guestAccessCore(v, a, cpl);
    }

    /** The hardware side of a guest instruction's access, and Xen's side when it faults. */
    private Outcome guestAccessCore(PvVcpu v, GuestAccess a, int cpl) {
        GuestAccess saved = d.currentAccess();
        d.setCurrentAccess(a);
        try {
            Access acc = new Access(a.va(), a.kind(), cpl, a.implicit(), a.stack());
            PvDomain.LogDirtyFault shadow = d.logDirtyWriteFault(v, acc, a.size());
            if (shadow != null) {
                return guestPageFault(v, shadow.errorCode(), shadow.cr2(), "shadow");
            }
            Mmu.Result fault;
            long value = 0;
            if (a.size() <= 8) {
                LinearAccess.Result r = a.kind() == AccessKind.WRITE
                        ? LinearAccess.write(v.mmu, acc, a.size(), a.value() == null ? 0 : a.value())
                        : LinearAccess.read(v.mmu, acc, a.size());
                fault = r.fault();
                value = r.value();
            } else {
                fault = wideAccess(v, acc, a);
            }
            if (fault == null) {
                return new Outcome.Completed(a.kind() == AccessKind.READ ? value : null);
            }
            if (fault.outcome() != Mmu.Outcome.PAGE_FAULT) {
                int vector = fault.vector();
                d.trace().hardware(Vectors.mnemonic(vector), "in", "guest", "va", a.va(), "cause", "non-canonical");
                d.trace().call(vector == Vectors.GP ? "do_general_protection" : "do_stack_segment", "error_code", 0);
                d.inject().pvInjectEvent(v, vector, 0, 0);
                return exitToGuest(v, Fix.forwarded("exception"));
            }
            return guestPageFault(v, fault.errorCode(), fault.la(), fault.source().name());
        } finally {
            d.setCurrentAccess(saved);
        }
    }

    /** A 16-byte access (MOVDQU): both pages translated first, then the store of {@code value} (high half 0). */
    private Mmu.Result wideAccess(PvVcpu v, Access acc, GuestAccess a) {
        Mmu.Result first = v.mmu.translate(acc);
        if (!first.ok()) {
            return first;
        }
        long last = a.va() + a.size() - 1;
        long secondPa = -1;
        if (((a.va() ^ last) & ~0xFFFL) != 0) {
            Mmu.Result second = v.mmu.translate(new Access(last & ~0xFFFL, acc.kind(), acc.cpl(), acc.implicit(),
                    acc.stack()));
            if (!second.ok()) {
                return second;
            }
            secondPa = second.pa();
        }
        if (a.kind() == AccessKind.WRITE) {
            long val = a.value() == null ? 0 : a.value();
            for (int i = 0; i < a.size(); i++) {
                long va = a.va() + i;
                long pa = secondPa >= 0 && ((va ^ a.va()) & ~0xFFFL) != 0 ? secondPa + (va & 0xFFF)
                        : first.pa() + i;
                d.memory().write(pa, 1, i < 8 ? val >>> (8 * i) : 0);
            }
        }
        return null;
    }

    /**
     * A #PF taken while the guest runs: {@code entry_PF} / {@code handle_exception} (entry.S) save the frame and call
     * {@code handle_PF} with CR2, then return to the guest through {@code test_all_events}.
     */
    @XenFunction(symbol = "entry_PF", file = "xen/arch/x86/x86_64/entry.S", version = "3.1, 4.22",
            formerly = "page_fault")
    Outcome guestPageFault(PvVcpu v, int ec, long cr2, String source) {
        d.trace().hardware("#PF", "in", "guest", "va", cr2, "ec", Trace.ec(ec), "source", source);
        d.trace().call(d.profile().symbol("entry_PF"), "vector", 14, "then", "handle_exception");
        Fix f = d.traps().handlePF(v, PfRegs.guest(v.cs, v.rip, v.rflags, ec), cr2);
        return exitToGuest(v, f);
    }

    /** Out of Xen: {@code test_all_events}, then the step's outcome from what was delivered or fixed. */
    private Outcome exitToGuest(PvVcpu v, Fix f) {
        if (d.currentKnobs().eventsPending()) {
            // Without params.event_callback the guest registered no callback: the upcall bounce finds address 0
            // and the domain is crashed, as Xen would (no_event_callback).
            v.upcallPending = 1;
        }
        BounceFrame.Exit exit = d.bounce().testAllEvents(v);
        v.upcallPending = 0; // the model's guest consumes the event in its callback
        if (exit.exception() != null) {
            BounceFrame.Delivery dl = exit.exception();
            SequencedMap<String, Long> frame = new LinkedHashMap<>(dl.frame());
            if (exit.upcall() != null) {
                BounceFrame.Delivery up = exit.upcall();
                frame.put("upcall_handler", up.handler());
                frame.put("upcall_base", up.frame().get("base"));
                frame.put("upcall_rip", up.frame().getOrDefault("rip", up.frame().get("eip")));
            }
            return new Outcome.Delivered(dl.vector(), dl.errorCode(), dl.cr2(), dl.handler(), frame);
        }
        return switch (f.kind()) {
            case FIXED -> new Outcome.Fixed(f.name(), null);
            case EMULATED -> new Outcome.Emulated(f.name(), null);
            default -> new Outcome.Completed(null);
        };
    }

    /** A guest store made by the model's guest code (the handler's iret sequence): null when it completed. */
    Outcome guestStore(PvVcpu v, long va, int size, long value) {
        GuestAccess a = new GuestAccess(va, AccessKind.WRITE, size, value, null, false, true, Insn.MOV, null);
        Outcome o = guestAccessCore(v, a, d.hardwareCpl(v));
        return o instanceof Outcome.Completed ? null : o;
    }

    // ---- hypercalls ----

    Outcome hypercall(PvVcpu v, HypercallOp op) {
        d.trace().op("hypercall", "call", op.hypercallName());
        if (!d.guestKernelMode(v)) {
            throw new ScenarioError("steps[" + d.trace().currentStep() + "]",
                    "hypercalls are made by the guest kernel; "
                    + "vCPU " + v.id + " is in user mode (a user-mode syscall is the guest's own system call)");
        }
        if (op instanceof HypercallOp.Iret) {
            Outcome o = d.iret().guestReturnSequence(v);
            if (o != null) {
                return o;
            }
            if (d.pv32()) {
                d.iret().compatIret(v);
            } else {
                d.iret().doIret(v);
            }
            Outcome r = new Outcome.HypercallReturned("iret", 0, null);
            exitToGuest(v, Fix.NOT_FIXED);
            return r;
        }
        Outcome r = run(v, op);
        exitToGuest(v, Fix.NOT_FIXED);
        return r;
    }

    private Outcome.HypercallReturned run(PvVcpu v, HypercallOp op) {
        return switch (op) {
            case HypercallOp.MmuUpdate mu -> {
                DoMmuUpdate.Result r = d.mmuUpdate().doMmuUpdate(v, mu);
                yield new Outcome.HypercallReturned("mmu_update", d.profile().mmuErrno(r.rc()), r.done());
            }
            case HypercallOp.MmuextOp me -> {
                DoMmuUpdate.Result r = d.mmuextOp().doMmuextOp(v, me);
                yield new Outcome.HypercallReturned("mmuext_op", d.profile().mmuErrno(r.rc()), r.done());
            }
            case HypercallOp.UpdateVaMapping u -> new Outcome.HypercallReturned("update_va_mapping",
                    d.profile().mmuErrno(d.updateVaMapping().doUpdateVaMapping(v, u)), null);
            case HypercallOp.SetTrapTable st -> new Outcome.HypercallReturned("set_trap_table",
                    d.callbacks().doSetTrapTable(v, st.entries(), st.nullHandle()), null);
            case HypercallOp.VmAssist va -> new Outcome.HypercallReturned("vm_assist",
                    d.callbacks().doVmAssist(va.cmd(), va.type()), null);
            case HypercallOp.Iret i -> throw new ScenarioError("steps[" + d.trace().currentStep() + "]",
                    "iret cannot be batched in a multicall");
            case HypercallOp.Multicall mc -> {
                int n = 0;
                for (HypercallOp c : mc.calls()) {
                    Outcome.HypercallReturned r = run(v, c);
                    d.trace().call("do_multicall", "call", n, "op", c.hypercallName(), "result", Rc.name(r.rc()));
                    n++;
                }
                yield new Outcome.HypercallReturned("multicall", 0, n);
            }
        };
    }

    // ---- control registers ----

    /**
     * A PV guest cannot write CR0/CR4/EFER/PKRU (they are Xen's). A {@code mov %cr3} by the guest kernel traps (#GP
     * in ring 3/1) and Xen's privileged-op emulation turns it into {@code new_guest_cr3}, as
     * {@code MMUEXT_NEW_BASEPTR} would: success is an emulated instruction; a refused base is #GP(0) to the guest. In
     * guest user mode the instruction is simply privileged: #GP(0).
     */
    Outcome controlWrite(PvVcpu v, ControlWrite w) {
        String where = "steps[" + d.trace().currentStep() + "]";
        if (!w.set().isEmpty() || !w.clear().isEmpty() || w.mode() != null || w.pkru() != null) {
            throw new ScenarioError(where, "a PV guest cannot change paging controls or PKRU (they are Xen's); "
                    + "only cr3 (as MMUEXT_NEW_BASEPTR)");
        }
        if (w.cr3() == null) {
            throw new ScenarioError(where + ".cr3", "cr_write for a PV guest needs cr3");
        }
        d.trace().op("cr_write", "cr3", w.cr3());
        d.trace().hardware("#GP", "in", "guest", "cause", "privileged instruction in ring " + d.hardwareCpl(v));
        d.trace().call("do_general_protection", "error_code", 0);
        if (d.guestKernelMode(v)) {
            d.trace().call("pv_emulate_privileged_op", "insn", "mov %cr3");
            int rc = d.mm().newGuestCr3(v, w.cr3() >>> 12);
            if (rc == 0) {
                return exitToGuest(v, Fix.emulated("priv_op"));
            }
            d.trace().note("Failed to load CR3 (" + Rc.name(rc) + "): " + d.mm().lastFailure());
        }
        d.inject().pvInjectEvent(v, Vectors.GP, 0, 0);
        return exitToGuest(v, Fix.forwarded("gp"));
    }
}
