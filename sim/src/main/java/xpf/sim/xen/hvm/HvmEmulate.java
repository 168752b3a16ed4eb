package xpf.sim.xen.hvm;

import xpf.model.scenario.GuestAccess;
import xpf.model.scenario.Insn;
import xpf.model.x86.PfErrorCode;
import xpf.model.x86.Vectors;
import xpf.sim.domain.NotModelled;
import xpf.sim.trace.Trace;
import xpf.sim.x86.PhysicalMemory;
import xpf.sim.xen.XenFunction;
import xpf.sim.xen.emul.EmulEvent;
import xpf.sim.xen.emul.EmulOps;
import xpf.sim.xen.emul.EmulResult;
import xpf.sim.xen.emul.X86Emulate;
import xpf.sim.xen.hvm.dm.MmioDevice;
import xpf.sim.xen.mm.p2m.P2m;
import xpf.sim.xen.mm.p2m.P2mEntry;
import xpf.sim.xen.mm.p2m.P2mType;
import xpf.sim.xen.mm.shadow.ShadowVcpu;
import xpf.sim.xen.mm.walk.GuestWalk;
import xpf.sim.xen.mm.walk.GuestWalker;

/**
 * HVM instruction emulation for MMIO ({@code handle_mmio_with_translation} → {@code hvm_emulate_one},
 * xen/arch/x86/hvm/emulate.c), shared by shadow paging (F2b', F18) and HAP (§5.2 step 6): the step's instruction is
 * emulated with memory callbacks that translate linear addresses with Xen's walker ({@code paging_gva_to_gfn}) and
 * send accesses to {@code p2m_mmio_dm} frames to the device model. An unclaimed MMIO frame reads all ones and drops
 * writes (as an ioreq server does); writes to discard-write types are dropped.
 */
final class HvmEmulate {

    private HvmEmulate() {
    }

    @XenFunction(symbol = "handle_mmio_with_translation", file = "xen/arch/x86/hvm/emulate.c", version = "3.1, 4.22",
            formerly = {"handle_mmio"})
    static ShadowVcpu.MmioResult handleMmioWithTranslation(HvmVcpu v, long va, long gfn, GuestAccess insn,
            boolean emulatorFails, Trace t) {
        t.call("handle_mmio_with_translation", "va", va, "gfn", gfn);
        if (v.exitFromDelivery()) {
            // The faulting access is the processor's own (IDT gate read, frame push while delivering a queued event),
            // not the instruction's. Xen has no check for that on this path: sh_page_fault's MMIO exits (fast path
            // and p2m_mmio_dm) call handle_mmio_with_translation → handle_mmio → hvm_emulate_one_insn
            // (hvm/io.c), which emulates whatever instruction is at RIP; hvm_event_pending is consulted only
            // before the page-table-write emulation (§3 E5). Source: xen-project/xen master,
            // xen/arch/x86/mm/shadow/multi.c (sh_page_fault: the p2m_mmio_dm branch and the fast path's MMIO magic
            // return handle_mmio_with_translation(...) with no event check) and xen/arch/x86/hvm/io.c
            // (handle_mmio_with_translation records mmio_gla/mmio_gpfn, then hvm_emulate_one_insn).
            if (insn == null) {
                throw new NotModelled("steps[" + t.currentStep() + "]", "an event delivery's access to MMIO gfn 0x"
                        + Long.toHexString(gfn) + " (va 0x" + Long.toHexString(va) + "): Xen emulates the "
                        + "instruction at RIP (handle_mmio_with_translation → hvm_emulate_one), which follows the "
                        + "step's retired instruction and is not described by the scenario");
            }
            if (!v.domain().profile().mmioEmulatesOperands()) {
                // 3.1's handle_mmio(gpa) (hvm/platform.c, tag 3.1.0-branched) decodes the instruction at RIP,
                // advances RIP and performs its MMIO operand at the faulting gpa, here the delivery's.
                throw new NotModelled("steps[" + t.currentStep() + "]", "an event delivery's access to MMIO gfn 0x"
                        + Long.toHexString(gfn) + " (va 0x" + Long.toHexString(va) + ") under "
                        + v.domain().profile().name() + ": handle_mmio(gpa) would perform the instruction at RIP "
                        + "against the delivery's gpa and advance RIP (the model's emulator uses the instruction's "
                        + "own operand address)");
            }
            t.call("handle_mmio_with_translation", "note", "the delivery's access exited; hvm_emulate_one decodes "
                    + "the instruction at RIP, the step's (it has not retired)");
        } else if (insn == null) {
            throw new NotModelled("steps[" + t.currentStep() + "]", "MMIO emulation at va 0x" + Long.toHexString(va)
                    + " with no instruction at RIP described by the scenario");
        }
        Ops ops = new Ops(v, t);
        if (insn.kind() == xpf.model.x86.AccessKind.FETCH && !emulatorFails
                && v.domain().profile().mmioEmulatesOperands()) {
            EmulEvent pf = ops.insnFetchFault(insn.va(), insn.size());
            if (pf != null) {
                // hvmemul_insn_fetch → __hvmemul_read (hvm_access_insn_fetch): the instruction bytes are read with
                // hvm_copy_from_guest_linear and PFEC_insn_fetch; a failed walk is x86_emul_pagefault, the
                // emulator's #PF (the walk's error code, CR2 = its address), injected by hvm_emulate_one_insn
                // (X86EMUL_EXCEPTION → hvm_inject_event). Only a fetch whose walk succeeds and lands in MMIO is
                // UNHANDLEABLE. Fixed (rule hvm.3.F2b-mmio, S11): the model answered UNHANDLEABLE for every fetch, so
                // Xen's propagate path injected the exit's #PF (CR2 = the exit's address, e.g. a delivery's stack
                // push) where the emulator's #PF, with its own CR2, is injected.
                t.call("hvmemul_insn_fetch", "va", pf.cr2(), "result", "EXCEPTION", "pfec", pf.errorCode());
                HvmInjection.hvmInjectEvent(v, new HvmEvent(pf.vector(), EventType.HW_EXC, pf.errorCode(),
                        pf.cr2()), t);
                return new ShadowVcpu.MmioResult(true, null, true);
            }
        }
        X86Emulate.Result r = X86Emulate.emulate(insn, ops, emulatorFails);
        t.call("hvm_emulate_one", "result", r.rc().name());
        return switch (r.rc()) {
            case OKAY -> new ShadowVcpu.MmioResult(true, insn.kind() == xpf.model.x86.AccessKind.READ
                    ? r.value() : null);
            case EXCEPTION -> {
                // hvm_emulate_one_insn: X86EMUL_EXCEPTION → hvm_inject_event; the instruction did not retire.
                EmulEvent e = r.event();
                HvmInjection.hvmInjectEvent(v, new HvmEvent(e.vector(), EventType.HW_EXC, e.errorCode(), e.cr2()), t);
                yield new ShadowVcpu.MmioResult(true, null, true);
            }
            case UNHANDLEABLE, RETRY -> new ShadowVcpu.MmioResult(false, null);
        };
    }

    /** {@code hvmemul_read} / {@code hvmemul_write} / {@code hvmemul_cmpxchg} over the device model. */
    private static final class Ops implements EmulOps {
        private final HvmVcpu v;
        private final Trace t;
        private EmulEvent raised;

        Ops(HvmVcpu v, Trace t) {
            this.v = v;
            this.t = t;
        }

        @Override
        public boolean validate(Insn insn, int size) {
            return true;
        }

        @Override
        public EmulEvent raised() {
            return raised;
        }

        /**
         * {@code hvmemul_insn_fetch}: each page of the instruction bytes walked with PFEC_insn_fetch (and PFEC_user_mode
         * at CPL 3); the #PF of the first walk that fails, or null when every page translates.
         */
        @XenFunction(symbol = "hvmemul_insn_fetch", file = "xen/arch/x86/hvm/emulate.c", version = "4.22")
        EmulEvent insnFetchFault(long va, int size) {
            long first = va >>> 12;
            long last = (va + Math.max(size, 1) - 1) >>> 12;
            int walk = PfErrorCode.I | (v.cpl() == 3 ? PfErrorCode.U : 0);
            for (long p = first; p <= last; p++) {
                long a = p == first ? va : p << 12;
                GuestWalk gw = GuestWalker.guestWalkTables(v.walkContext(), v.domain().p2m(),
                        v.domain().machineMemory(), a, walk, true);
                if (!gw.ok()) {
                    int pfec = v.domain().xen().bug("pfec-implicit-leak") ? gw.pfec() : gw.archPfec();
                    return new EmulEvent(Vectors.PF, pfec, a);
                }
            }
            return null;
        }

        /** {@code hvmemul_linear_to_phys} → {@code paging_gva_to_gfn}: a walk with the access's rights. */
        private P2mEntry resolve(long va, boolean write) {
            return resolve(va, write, write);
        }

        /** The same with the walk's rights ({@code writeRights}) apart from the kind of p2m query ({@code write}). */
        private P2mEntry resolve(long va, boolean write, boolean writeRights) {
            int walk = (writeRights ? PfErrorCode.W : 0) | (v.cpl() == 3 ? PfErrorCode.U : 0);
            GuestWalker.WalkContext ctx = v.walkContext();
            GuestWalk gw = GuestWalker.guestWalkTables(ctx, v.domain().p2m(), v.domain().machineMemory(), va, walk,
                    true);
            if (!gw.ok()) {
                int pfec = v.domain().xen().bug("pfec-implicit-leak") ? gw.pfec() : gw.archPfec();
                raised = new EmulEvent(Vectors.PF, pfec, va);
                return null;
            }
            return v.domain().p2m().getGfnTypeAccess(gw.gfn(), write ? P2m.Query.ALLOC_UNSHARE : P2m.Query.ALLOC);
        }

        @Override
        public EmulResult read(long va, int size, long[] out) {
            return linearRead(va, size, out, false);
        }

        /**
         * {@code linear_read}: page by page with the caller's rights ({@code writeRights}: the PFEC_write_access of
         * {@code hvmemul_rmw}'s pfec, which its fallback read passes on).
         */
        private EmulResult linearRead(long va, int size, long[] out, boolean writeRights) {
            long value = 0;
            for (int done = 0; done < size && done < 8;) {
                long a = va + done;
                int chunk = (int) Math.min(Math.min(size - done, 8 - done), 0x1000 - (a & 0xFFF));
                P2mEntry e = resolve(a, false, writeRights);
                if (e == null) {
                    return EmulResult.EXCEPTION;
                }
                long part;
                if (e.type() == P2mType.MMIO_DM) {
                    MmioDevice d = v.domain().devices().at(e.gfn());
                    part = d == null ? (chunk == 8 ? -1L : (1L << (8 * chunk)) - 1)
                            : d.read((int) (a & 0xFFF), chunk);
                    t.call("hvmemul_do_mmio", "dir", "read", "device", d == null ? "-" : d.name(), "gpa",
                            (e.gfn() << 12) | (a & 0xFFF), "size", chunk, "value", part);
                } else if (e.type().isRam() && e.mfnValid() || e.type() == P2mType.MMIO_DIRECT) {
                    part = v.domain().machineMemory().read((e.mfn() << 12) | (a & 0xFFF), chunk);
                } else {
                    return EmulResult.UNHANDLEABLE;
                }
                value |= chunk == 8 ? part : (part & ((1L << (8 * chunk)) - 1)) << (8 * done);
                done += chunk;
            }
            out[0] = value;
            return EmulResult.OKAY;
        }

        /**
         * {@code hvmemul_write}: a write that is not inside one page is never {@code known_gla()}, so it is mapped
         * first with {@code hvmemul_map_linear_addr}, which translates its pages in order before anything is written:
         * a failed walk is the emulator's #PF (nothing written); the first discard-write frame ends the write with
         * OKAY (nothing written, a later page never translated); a frame that is not plain RAM (MMIO, ioreq server)
         * makes the mapping NULL and the write goes page by page through {@code linear_write} (the loop below).
         * Fixed (rule hvm.5.2.6, S10): the model went page by page at once, so a write crossing from a discard-write
         * frame translated the next page (a #PF when unmapped) and a RAM page before a discard-write one was written.
         */
        @Override
        @XenFunction(symbol = "hvmemul_write", file = "xen/arch/x86/hvm/emulate.c", version = "4.22")
        public EmulResult write(long va, int size, long value) {
            if ((va & 0xFFF) + size > 0x1000) {
                EmulResult mapped = mapLinearAddr(va, size);
                if (mapped != null) {
                    return mapped;
                }
            }
            return linearWrite(va, size, value);
        }

        /**
         * {@code hvmemul_map_linear_addr} for a write: null when every frame is RAM or a frame that is not RAM was
         * reached (the caller writes through {@code linear_write}), else the emulator's result.
         */
        @XenFunction(symbol = "hvmemul_map_linear_addr", file = "xen/arch/x86/hvm/emulate.c", version = "4.22")
        private EmulResult mapLinearAddr(long va, int size) {
            long first = va >>> 12;
            long last = (va + size - 1) >>> 12;
            for (long p = first; p <= last; p++) {
                long a = p == first ? va : p << 12;
                P2mEntry e = resolve(a, true);
                if (e == null) {
                    return EmulResult.EXCEPTION;
                }
                if (e.type().isDiscardWrite()) {
                    t.call("hvmemul_map_linear_addr", "gfn", e.gfn(), "result", "write_discarded");
                    return EmulResult.OKAY;
                }
                if (!(e.type().isRam() && e.mfnValid()) || e.type() == P2mType.IOREQ_SERVER) {
                    return null;
                }
            }
            return null;
        }

        /** {@code linear_write}: page by page ({@code __hvm_copy}, MMIO through the device model). */
        private EmulResult linearWrite(long va, int size, long value) {
            PhysicalMemory mem = v.domain().machineMemory();
            for (int done = 0; done < size;) {
                long a = va + done;
                int chunk = (int) Math.min(Math.min(size - done, 8), 0x1000 - (a & 0xFFF));
                long part = done >= 8 ? 0 : value >>> (8 * done);
                P2mEntry e = resolve(a, true);
                if (e == null) {
                    return EmulResult.EXCEPTION;
                }
                if (e.type() == P2mType.MMIO_DM) {
                    MmioDevice d = v.domain().devices().at(e.gfn());
                    if (d != null) {
                        d.write((int) (a & 0xFFF), chunk, part);
                    }
                    t.call("hvmemul_do_mmio", "dir", "write", "device", d == null ? "-" : d.name(), "gpa",
                            (e.gfn() << 12) | (a & 0xFFF), "size", chunk, "value", part);
                } else if (e.type().isDiscardWrite() || e.type() == P2mType.IOREQ_SERVER) {
                    t.call("hvmemul_write", "gfn", e.gfn(), "result", "write_discarded");
                } else if (e.type().isRam() && e.mfnValid() || e.type() == P2mType.MMIO_DIRECT) {
                    mem.write((e.mfn() << 12) | (a & 0xFFF), chunk, part);
                    v.domain().guestMemoryWritten(e.mfn(), a & 0xFFF, chunk, t);
                } else {
                    return EmulResult.UNHANDLEABLE;
                }
                done += chunk;
            }
            return EmulResult.OKAY;
        }

        /** {@code hvm_emulate_ops.rmw} exists in the 4.x emulator (since 4.11); 3.1's {@code handle_mmio} has none. */
        @Override
        public boolean hasRmw() {
            return v.domain().profile().mmioEmulatesOperands();
        }

        /**
         * {@code hvmemul_rmw}: the destination is mapped first ({@code hvmemul_map_linear_addr}, every page in order
         * with write rights): a failed walk is the emulator's #PF; the first discard-write frame ends the whole
         * operation with OKAY before a later page is translated (nothing read, nothing written); when every frame
         * is RAM the value is modified in place; when a frame is not RAM (MMIO, ioreq server) there is no mapping
         * and the operand goes through {@code linear_read}, then {@code linear_write}.
         */
        @Override
        @XenFunction(symbol = "hvmemul_rmw", file = "xen/arch/x86/hvm/emulate.c", version = "4.22")
        public EmulResult rmw(long va, int size, java.util.function.LongUnaryOperator op) {
            t.call("hvmemul_rmw", "va", va, "size", size);
            EmulResult mapped = mapLinearAddr(va, size);
            if (mapped != null) {
                return mapped;
            }
            // hvmemul_rmw's pfec (PFEC_page_present | PFEC_write_access, + PFEC_user_mode at CPL 3) is passed to
            // linear_read too (emulate.c, HEAD c447b73): the fallback read walks with write rights. Fixed 27 Nov 2026
            // (tri-pdpte; an exploration variant of suspected/s4-mmio-known-gfn.yaml: a CPL-3 LOCK OR crossing from
            // an MMIO page into an unmapped one reported #PF(U) instead of #PF(W|U)).
            long[] cur = new long[1];
            EmulResult r = linearRead(va, size, cur, true);
            if (r != EmulResult.OKAY) {
                return r;
            }
            return linearWrite(va, size, op.applyAsLong(cur[0]));
        }

        /**
         * {@code hvmemul_cmpxchg} (xen/arch/x86/hvm/emulate.c, 4.x-4.22): the destination is mapped for writing
         * first ({@code hvmemul_map_linear_addr}); when a page of it is not RAM there is no mapping, and Xen just
         * writes the new value ("Fix this in case the guest is really relying on r-m-w atomicity"): no second read
         * of the device and no compare, so a device register with a read side effect is read once, by the
         * emulator. Only a RAM destination gets a real compare-and-exchange.
         */
        @Override
        public EmulResult cmpxchg(long va, int size, long old, long neu, long[] observed) {
            for (long page = va & ~0xFFFL; page <= ((va + size - 1) & ~0xFFFL); page += 0x1000) {
                P2mEntry e = resolve(Math.max(page, va), true);
                if (e == null) {
                    return EmulResult.EXCEPTION;
                }
                if (!(e.type().isRam() && e.mfnValid()) || e.type().isDiscardWrite()) {
                    observed[0] = old;
                    return write(va, size, neu);
                }
            }
            long[] cur = new long[1];
            EmulResult r = read(va, size, cur);
            if (r != EmulResult.OKAY) {
                return r;
            }
            observed[0] = cur[0];
            long m = size >= 8 ? -1L : (1L << (8 * size)) - 1;
            if ((cur[0] & m) != (old & m)) {
                return EmulResult.OKAY;
            }
            return write(va, size, neu);
        }
    }
}
