package xpf.sim.xen.emul;

import xpf.model.scenario.GuestAccess;
import xpf.model.scenario.Insn;
import xpf.model.x86.AccessKind;
import xpf.sim.xen.XenFunction;

/**
 * A model of Xen's instruction emulator for the one memory-touching instruction a scenario step describes
 * ({@link GuestAccess}: instruction form, size, value, compare value). Real decoding is out of scope: the step says
 * what the instruction is. The semantics follow xen-pv-fault-path.md §3.2 (shared by ptwr and the shadow code):
 * the validate hook may refuse; plain stores go through {@code write}; CMPXCHG reads its destination, compares, and
 * only on a match goes through {@code cmpxchg} (a failed compare completes without it); XCHG and LOCK'd read-modify-writes go
 * through {@code ops->rmw} when the caller has one (HVM emulation, 4.11+), else read first, use {@code cmpxchg} and
 * RETRY on a lost race.
 */
public final class X86Emulate {

    /** The outcome: return code, the exception if any, the value a read produced. */
    public record Result(EmulResult rc, EmulEvent event, long value) {
        public static Result of(EmulResult rc) {
            return new Result(rc, null, 0);
        }
    }

    private X86Emulate() {
    }

    /**
     * @param failInjected the scenario's {@code emulator_fails} knob: the emulator returns UNHANDLEABLE
     */
    @XenFunction(symbol = "x86_emulate", file = "xen/arch/x86/x86_emulate/x86_emulate.c", version = "3.1, 4.22")
    public static Result emulate(GuestAccess a, EmulOps ops, boolean failInjected) {
        if (failInjected || a.kind() == AccessKind.FETCH) {
            return Result.of(EmulResult.UNHANDLEABLE);
        }
        Insn insn = a.insn() == null ? (a.kind() == AccessKind.WRITE ? Insn.MOV : Insn.LOAD) : a.insn();
        if (!ops.validate(insn, a.size())) {
            return Result.of(EmulResult.UNHANDLEABLE);
        }
        long[] buf = new long[1];
        long value = a.value() == null ? 0 : a.value();
        return switch (insn) {
            case LOAD -> load(a, ops, buf);
            case MOVDQU -> {
                // MOVDQU is a load (66 0F 6F /r, movdqu xmm, m128) or a store (F3 0F 7F /r, movdqu m128, xmm): the
                // step's access kind says which (ScenarioLoader accepts movdqu for read and write). x86_emulate's
                // load form reads its m128 source through ops->read (hvmemul_read → linear_read, walked with the
                // access's rights, no PFEC_write_access); only the store form goes through ops->write. Fixed 27 Nov
                // 2026 (rule hvm.5.2.2 / hvm.2.3, seed-21 open findings field-error_code--hvm-svm_access-write_injected
                // and class--hvm-svm_access-read_emulated): every MOVDQU was emulated as a store, so a CPL-3 load whose
                // emulator walk failed injected #PF(W|U) instead of #PF(U), and a load from an MMIO page wrote it.
                yield a.kind() == AccessKind.READ ? load(a, ops, buf)
                        : withEvent(ops.write(a.va(), a.size(), value), ops);
            }
            case MOV -> withEvent(ops.write(a.va(), a.size(), value), ops);
            case CMPXCHG -> {
                // x86_emulate (x86_emulate.c, 4.22 and 3.1 alike) reads the destination through ops->read and
                // compares it with rAX itself; only an equal value reaches ops->cmpxchg (ptwr: validation, then the
                // store). A failed compare completes architecturally (rAX loaded, ZF=0) with OKAY: nothing is
                // validated or stored. Fixed (rule pv.3.2): the model called ops->cmpxchg first, so a CMPXCHG with a
                // wrong compare value and a new PTE Xen would refuse was UNHANDLEABLE (the guest got its #PF).
                EmulResult r = ops.read(a.va(), a.size(), buf);
                if (r != EmulResult.OKAY) {
                    yield withEvent(r, ops);
                }
                long m = a.size() >= 8 ? -1L : (1L << (8 * a.size())) - 1;
                long old = (a.compare() == null ? 0 : a.compare()) & m;
                if ((buf[0] & m) != old) {
                    yield Result.of(EmulResult.OKAY);
                }
                long[] seen = new long[1];
                yield withEvent(ops.cmpxchg(a.va(), a.size(), old, value, seen), ops);
            }
            case XCHG, LOCK_OR -> {
                if (ops.hasRmw()) {
                    // x86_emulate (4.11+): with ops->rmw the DstMem operand is not read ("else if ( !ops->rmw )"
                    // guards read_ulong); OR and XCHG on memory set state->rmw (rmw_or / rmw_xchg) and the whole
                    // operation goes to ops->rmw. CMPXCHG above still reads first (its case calls read_ulong when
                    // ops->rmw is present). Source: xen-project/xen master c447b73, x86_emulate.c. Fixed (S13): the
                    // model read first for every caller, so HVM emulation of a LOCK OR crossing from a
                    // discard-write frame into an unmapped page raised the read's #PF.
                    yield withEvent(ops.rmw(a.va(), a.size(), insn == Insn.XCHG ? cur -> value : cur -> cur | value),
                            ops);
                }
                EmulResult r = ops.read(a.va(), a.size(), buf);
                if (r != EmulResult.OKAY) {
                    yield withEvent(r, ops);
                }
                long old = buf[0];
                long neu = insn == Insn.XCHG ? value : old | value;
                long[] seen = new long[1];
                EmulResult c = ops.cmpxchg(a.va(), a.size(), old, neu, seen);
                if (c == EmulResult.OKAY && seen[0] != old) {
                    yield Result.of(EmulResult.RETRY); // lost a race: re-execute
                }
                yield withEvent(c, ops);
            }
        };
    }

    /** A load's source operand through {@code ops->read}: the value read, or the exception the read raised. */
    private static Result load(GuestAccess a, EmulOps ops, long[] buf) {
        EmulResult r = ops.read(a.va(), a.size(), buf);
        return r == EmulResult.EXCEPTION ? new Result(r, ops.raised(), 0) : new Result(r, null, buf[0]);
    }

    private static Result withEvent(EmulResult r, EmulOps ops) {
        return r == EmulResult.EXCEPTION ? new Result(r, ops.raised(), 0) : Result.of(r);
    }
}
