package xpf.sim.xen.pv;

import static org.assertj.core.api.Assertions.assertThat;
import static xpf.sim.xen.pv.PvFixture.HANDLER32;
import static xpf.sim.xen.pv.PvFixture.L3;
import static xpf.sim.xen.pv.PvFixture.RIP;
import static xpf.sim.xen.pv.PvFixture.RIP32;
import static xpf.sim.xen.pv.PvFixture.STACK;
import static xpf.sim.xen.pv.PvFixture.UP;
import static xpf.sim.xen.pv.PvFixture.e;
import static xpf.sim.xen.pv.PvFixture.hypercall;
import static xpf.sim.xen.pv.PvFixture.outcome;
import static xpf.sim.xen.pv.PvFixture.read;
import static xpf.sim.xen.pv.PvFixture.step;
import static xpf.sim.xen.pv.PvFixture.word;
import static xpf.sim.xen.pv.PvFixture.write;
import static xpf.sim.xen.pv.assertions.PvAssertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import xpf.model.scenario.HostWrite;
import xpf.model.scenario.HypercallOp;
import xpf.model.scenario.Step;
import xpf.model.x86.PfErrorCode;
import xpf.sim.scenario.ScenarioRunner;

/**
 * {@code HYPERVISOR_iret}: {@code do_iret} (64-bit) and {@code compat_iret} (32-bit) of xen/arch/x86/pv/iret.c
 * (Xen 4.22; RFLAGS clamped to {@code X86_EFLAGS_ALL} | MBS since "x86/pv: Adjust eflags handling for FRED mode";
 * 3.1: x86_64/traps.c, x86_64/compat/traps.c), and the model's guest return sequence in front of it
 * (xen-pv-fault-path.md §5.4 "guest convention": the handler pops RCX/R11 and the error code, pushes the flags word,
 * and the hypercall page pushes RCX, R11, RAX; 32-bit: EAX above EIP, CS, EFLAGS [, ESP, SS]).
 *
 * <p>A context is written at the guest's RSP with host writes when no frame was delivered before (the model then
 * takes the context to be at RSP already): 64-bit {RAX, R11, RCX, flags, RIP, CS, RFLAGS, RSP, SS}, 8 bytes each;
 * 32-bit {EAX, EIP, CS, EFLAGS [, ESP, SS]}, 4 bytes each. The stack page is va 0x6000 = machine 0x1006000.
 */
class IretDecisionPointsTest {
    static final long CF = 0x1;
    static final long MBS = 0x2;
    static final long PF = 0x4;
    static final long AF = 0x10;
    static final long ZF = 0x40;
    static final long SF = 0x80;
    static final long TF = 0x100;
    static final long IF = 0x200;
    static final long DF = 0x400;
    static final long OF = 0x800;
    static final long IOPL = 0x3000;
    static final long NT = 0x4000;
    static final long RF = 0x10000;
    static final long VM = 0x20000;
    static final long AC = 0x40000;
    static final long VIF = 0x80000;
    static final long VIP = 0x100000;
    static final long ID = 0x200000;
    /** {@code VGCF_in_syscall} (public/arch-x86/xen.h, bit 8 of iret_context.flags). */
    static final long VGCF_IN_SYSCALL = 0x100;

    /** Machine address of the guest stack's va 0x6800 (the fixture's RSP). */
    static final long SP_PA = (STACK << 12) + 0x800;
    static final long USER_L4 = 0x100A;

    static Step iret() {
        return hypercall(new HypercallOp.Iret());
    }

    /** Host writes of {@code words} (8 bytes each) at machine address {@code pa}, then the iret. */
    static List<Step> ctx64(long pa, long... words) {
        List<Step> s = new ArrayList<>();
        for (int i = 0; i < words.length; i++) {
            s.add(step(new HostWrite(pa + 8L * i, 8, words[i])));
        }
        return s;
    }

    /** Host writes of {@code words} (4 bytes each) at machine address {@code pa}. */
    static List<Step> ctx32(long pa, long... words) {
        List<Step> s = new ArrayList<>();
        for (int i = 0; i < words.length; i++) {
            s.add(step(new HostWrite(pa + 4L * i, 4, words[i])));
        }
        return s;
    }

    static ScenarioRunner.Run run(PvFixture f, List<Step> pre, Step... more) {
        List<Step> all = new ArrayList<>(pre);
        all.addAll(List.of(more));
        return f.run(all.toArray(new Step[0]));
    }

    static PvVcpu vcpu(ScenarioRunner.Run r) {
        return FatalOutcomesTest.guest(r).vcpu(0);
    }

    static ScenarioRunner.Run iret64(PvFixture f, long flags, long rflags) {
        return run(f, ctx64(SP_PA, 0x1111, 0x2222, 0x3333, flags, 0xffffffff80005678L, 0xe030, rflags, 0x6f00,
                0x1_0000_e028L), iret());
    }

    // ---- do_iret (64-bit) ----

    @Test
    @DisplayName("pv.5.4 do_iret restores RIP, RSP, RAX, RCX, R11 from the context; CS and SS get RPL 3 (16 bits)")
    void doIretRestoresTheContext() {
        ScenarioRunner.Run r = iret64(PvFixture.pv64(), 0, IF | ZF | PF);
        assertThat(outcome(r, 9)).returned("iret", 0);
        PvVcpu v = vcpu(r);
        assertThat(v.rip).isEqualTo(0xffffffff80005678L);
        assertThat(v.rsp).isEqualTo(0x6f00);
        assertThat(v.cs).as("CS | 3").isEqualTo(0xe033);
        assertThat(v.ss).as("SS | 3, a 16-bit selector").isEqualTo(0xe02b);
        assertThat(v.rax).isEqualTo(0x1111);
        assertThat(v.r11).isEqualTo(0x2222);
        assertThat(v.rcx).isEqualTo(0x3333);
        assertThat(v.rflags).isEqualTo(IF | ZF | PF | MBS);
        assertThat(v.upcallMask).as("events unmasked: the saved IF was set").isZero();
        assertThat(v.kernelMode).as("CS RPL 0 in the context: back to the kernel").isTrue();
        assertThat(TraceLines.of(r, "CALL do_iret")).containsExactly(
                "CALL do_iret result=0 rip=0xffffffff80005678 cs=0xe033 rsp=0x6f00 kernel_mode=true upcall_mask=0");
        assertThat(TraceLines.of(r, "CALL test_all_events")).as("nothing pending after an iret")
                .containsExactly("CALL test_all_events trap_bounce=none upcall_pending=0 upcall_mask=0");
    }

    @Test
    @DisplayName("pv.5.4 do_iret with VGCF_in_syscall in the flags word leaves RCX and R11 alone")
    void doIretInSyscallKeepsRcxAndR11() {
        ScenarioRunner.Run r = iret64(PvFixture.pv64(), VGCF_IN_SYSCALL, IF);
        PvVcpu v = vcpu(r);
        assertThat(v.rcx).isZero();
        assertThat(v.r11).isZero();
        assertThat(v.rax).isEqualTo(0x1111);
    }

    @Test
    @DisplayName("pv.5.3 do_iret: RFLAGS clamped to X86_EFLAGS_ALL without IOPL and VM, IF and MBS forced on")
    void doIretSanitisesRflags() {
        ScenarioRunner.Run all = iret64(PvFixture.pv64(), 0, -1L);
        long kept = CF | PF | AF | ZF | SF | TF | IF | DF | OF | NT | RF | AC | VIF | VIP | ID;
        assertThat(vcpu(all).rflags).isEqualTo(kept | MBS);
        assertThat(vcpu(all).upcallMask).isZero();
        ScenarioRunner.Run none = iret64(PvFixture.pv64(), 0, 0);
        assertThat(vcpu(none).rflags).as("IF forced on").isEqualTo(IF | MBS);
        assertThat(vcpu(none).upcallMask).as("evtchn_upcall_mask = !saved IF").isEqualTo(1);
        assertThat(TraceLines.of(none, "CALL do_iret")).containsExactly(
                "CALL do_iret result=0 rip=0xffffffff80005678 cs=0xe033 rsp=0x6f00 kernel_mode=true upcall_mask=1");
    }

    @Test
    @DisplayName("pv.5.4 do_iret with architectural_iopl: the virtual IOPL comes from the saved RFLAGS and shows in "
            + "the next bounce frame; without the assist it stays 0")
    void doIretArchitecturalIopl() {
        PvFixture f = PvFixture.pv64();
        f.assists.add("architectural_iopl");
        ScenarioRunner.Run r = run(f, ctx64(SP_PA, 0, 0, 0, 0, RIP, 0xe030, 0x2000 | IF | ZF, 0x6800, 0xe02b),
                iret(), read(0x9000));
        assertThat(vcpu(r).iopl).as("IOPL 2").isEqualTo(2);
        assertThat(outcome(r, 10)).isDeliveredPageFault(0, 0x9000).hasFrameSlot("rflags", 0x2000 | IF | ZF | MBS);
        ScenarioRunner.Run plain = run(PvFixture.pv64(), ctx64(SP_PA, 0, 0, 0, 0, RIP, 0xe030, 0x2000 | IF | ZF,
                0x6800, 0xe02b), iret(), read(0x9000));
        assertThat(vcpu(plain).iopl).isZero();
        assertThat(outcome(plain, 10)).hasFrameSlot("rflags", IF | ZF | MBS);
    }

    @Test
    @DisplayName("pv.5.4 do_iret to CS RPL 3 toggles to user mode (CR3 := the user L4); the next fault toggles back "
            + "and builds its frame at kernel_sp")
    void doIretToUserModeTogglesTheTables() {
        PvFixture f = PvFixture.pv64();
        f.frames.put("ul4", USER_L4);
        f.pte(USER_L4, 0, e(L3, UP));
        f.userCr3Frame = USER_L4;
        ScenarioRunner.Run r = run(f, ctx64(SP_PA, 0, 0, 0, 0, 0x9000, 0xe033, IF, 0x7ff0, 0xe02b), iret(),
                read(0x9000));
        assertThat(outcome(r, 9)).returned("iret", 0);
        assertThat(outcome(r, 10)).isDeliveredPageFault(PfErrorCode.U, 0x9000).hasFrameSlot("base", 0x7000)
                .hasFrameSlot("cs", 0xe033).hasFrameSlot("rsp", 0x7ff0);
        assertThat(TraceLines.of(r, "CALL toggle_guest_mode")).containsExactly(
                "CALL toggle_guest_mode kernel_mode=false cr3=0x100a000",
                "CALL toggle_guest_mode kernel_mode=true cr3=0x1000000");
        assertThat(TraceLines.of(r, "CALL create_bounce_frame")).containsExactly(
                "CALL create_bounce_frame from=test_all_events mode=user base=0x7000 vector=14");
        assertThat(TraceLines.of(r, "RESUME restore_all_guest").get(0)).as("after the iret")
                .isEqualTo("RESUME restore_all_guest rip=0x9000 cs=0xe033 rsp=0x7ff0 kernel_mode=false");
        ScenarioRunner.Run afterIret = run(f, ctx64(SP_PA, 0, 0, 0, 0, 0x9000, 0xe033, IF, 0x7ff0, 0xe02b), iret());
        assertThat(PvFixture.view(afterIret).vcpus().get(0).hardwareCr3()).isEqualTo(USER_L4 << 12);
        assertThat(PvFixture.view(afterIret).vcpus().get(0).kernelMode()).isFalse();
    }

    @Test
    @DisplayName("pv.6 do_iret to user mode without user page tables: domain crash, with Xen's message")
    void doIretWithoutUserTablesCrashes() {
        ScenarioRunner.Run r = run(PvFixture.pv64(), ctx64(SP_PA, 0, 0, 0, 0, 0x9000, 0xe033, IF, 0x7ff0, 0xe02b),
                iret());
        assertThat(outcome(r, 9)).isDomainCrash("iret_no_user_pt");
        assertThat(r.trace().render()).contains(
                "CALL do_iret result=crash why=Guest switching to user mode with no user page tables");
    }

    @Test
    @DisplayName("pv.6 do_iret: a context Xen cannot read crashes the domain, with Xen's message")
    void doIretUnreadableContextCrashes() {
        PvFixture f = PvFixture.pv64();
        f.rsp = 0x9000; // not mapped
        ScenarioRunner.Run r = f.run(iret());
        assertThat(outcome(r, 0)).isDomainCrash("iret_frame_unreadable");
        assertThat(((xpf.model.scenario.Outcome.DomainCrash) outcome(r, 0)).detail())
                .isEqualTo("IRET context at 0x9000");
        assertThat(r.trace().render()).contains(
                "CALL do_iret result=crash why=Fault while reading IRET context from guest stack");
    }

    // ---- the model's 64-bit return sequence after a delivered frame ----

    @Test
    @DisplayName("pv.5.4 after a #PF frame: the handler's pushes put {RAX, R11, RCX, flags 0} under RIP; the iret "
            + "returns to the faulting instruction with RAX, RCX, R11 as they were")
    void returnSequenceAfterAPageFault() {
        // First an iret that loads RAX/R11/RCX with distinct values (and returns to RIP on the same stack).
        List<Step> pre = ctx64(SP_PA, 0x1111, 0x2222, 0x3333, 0, RIP, 0xe030, IF, 0x6800, 0xe02b);
        ScenarioRunner.Run r = run(PvFixture.pv64(), pre, iret(), read(0x9000), iret());
        assertThat(outcome(r, 10)).isDeliveredPageFault(0, 0x9000).hasFrameSlot("rcx", 0x3333)
                .hasFrameSlot("r11", 0x2222).hasFrameSlot("base", 0x6800);
        assertThat(outcome(r, 11)).returned("iret", 0);
        // frame bottom 0x67c0 (with error code); the handler pops RCX, R11, the error code and pushes 4 words
        long sp = SP_PA - 64 - 8;
        assertThat(word(r, sp)).as("RAX").isEqualTo(0x1111);
        assertThat(word(r, sp + 8)).as("R11").isEqualTo(0x2222);
        assertThat(word(r, sp + 16)).as("RCX").isEqualTo(0x3333);
        assertThat(word(r, sp + 24)).as("flags").isZero();
        PvVcpu v = vcpu(r);
        assertThat(v.rip).isEqualTo(RIP);
        assertThat(v.rsp).isEqualTo(0x6800);
        assertThat(v.rax).isEqualTo(0x1111);
        assertThat(v.r11).isEqualTo(0x2222);
        assertThat(v.rcx).isEqualTo(0x3333);
        assertThat(v.handlerFrames).isEmpty();
    }

    @Test
    @DisplayName("pv.2.3e the handler's own pushes before the iret are guest stores: in log-dirty mode the first "
            + "one to a clean page faults (fixed by paging_fault), and that is the step's outcome, not the iret")
    void returnSequenceStoreFaults() {
        PvFixture f = PvFixture.pv64().param("log_dirty", 1).pte(PvFixture.L1, 7, e(PvFixture.NEWDATA, UP));
        f.rsp = 0x7040; // frame with error code: bottom 0x7000 (NEWDATA); the pushes start at 0x6ff8 (STACK)
        ScenarioRunner.Run r = f.run(read(0x9000), iret());
        assertThat(outcome(r, 0)).isDeliveredPageFault(0, 0x9000).hasFrameSlot("base", 0x7040);
        assertThat(outcome(r, 1)).isFixed("paging");
        assertThat(TraceLines.of(r, "CALL paging_fault")).isNotEmpty();
        assertThat(r.trace().render()).doesNotContain("CALL do_iret");
        assertThat(PvFixture.view(r).dirtyFrames()).contains(STACK);
    }

    // ---- compat_iret (32-bit) ----

    @Test
    @DisplayName("pv.5.5 compat_iret to ring 1 after a #PF frame: EAX pushed by the handler, EIP/CS/EFLAGS from "
            + "the frame, ESP = context + 16, SS kept")
    void compatIretToRing1() {
        // a write to the read-only va 0x5000: error code P|W = 3, which must not come back as EAX
        ScenarioRunner.Run r = PvFixture.pv32().run(write(0x5000, 1), iret());
        assertThat(outcome(r, 0)).isDeliveredPageFault(PfErrorCode.P | PfErrorCode.W, 0x5000);
        assertThat(outcome(r, 1)).returned("iret", 0);
        PvVcpu v = vcpu(r);
        assertThat(v.rax).as("EAX as the handler pushed it, not the error code").isZero();
        assertThat(v.rip).isEqualTo(RIP32);
        assertThat(v.cs).isEqualTo(0xe019);
        assertThat(v.rsp).isEqualTo(0x6800);
        assertThat(v.ss).isEqualTo(0xe021);
        assertThat(v.upcallMask).isZero();
        assertThat(PvFixture.view(r).vcpus().get(0).kernelMode()).isTrue();
        assertThat(TraceLines.of(r, "RESUME bounce")).containsExactly(
                "RESUME bounce handler=0xc0100000 esp=0x67f0 upcall_mask=0");
        assertThat(TraceLines.of(r, "CALL compat_iret")).containsExactly(
                "CALL compat_iret result=0 eip=0xc0001234 cs=0xe019 esp=0x6800 upcall_mask=0");
        assertThat(TraceLines.of(r, "RESUME restore_all_guest")).containsExactly(
                "RESUME restore_all_guest rip=0xc0100000 cs=0xe019 rsp=0x67f0 kernel_mode=true",
                "RESUME restore_all_guest rip=0xc0001234 cs=0xe019 rsp=0x6800 kernel_mode=true");
    }

    @Test
    @DisplayName("pv.5.5 compat_iret to ring 3: ESP and SS restored from the context (words 4 and 5)")
    void compatIretToRing3() {
        ScenarioRunner.Run r = run(PvFixture.pv32(), ctx32(SP_PA, 0xaaaa, 0x08048000L, 0xe02b, IF | ZF,
                0xbfff0000L, 0xe033), iret());
        assertThat(outcome(r, 6)).returned("iret", 0);
        PvVcpu v = vcpu(r);
        assertThat(v.rax).isEqualTo(0xaaaa);
        assertThat(v.rip).isEqualTo(0x08048000L);
        assertThat(v.cs).isEqualTo(0xe02b);
        assertThat(v.rsp).isEqualTo(0xbfff0000L);
        assertThat(v.ss).isEqualTo(0xe033);
        assertThat(v.rflags).isEqualTo(IF | ZF | MBS);
        assertThat(PvFixture.view(r).vcpus().get(0).kernelMode()).isFalse();
        assertThat(TraceLines.of(r, "CALL compat_iret")).containsExactly(
                "CALL compat_iret result=0 eip=0x8048000 cs=0xe02b esp=0xbfff0000 upcall_mask=0");
        assertThat(TraceLines.of(r, "RESUME restore_all_guest")).containsExactly(
                "RESUME restore_all_guest rip=0x8048000 cs=0xe02b rsp=0xbfff0000 kernel_mode=false");
    }

    /** A 32-bit iret context {EAX, EIP, CS, EFLAGS with VM, ESP, SS, ES, DS, FS, GS} for the vm86 branch. */
    static final long[] VM86_CTX = {0x77, RIP32, 0xe019, VM | IF, 0x1234, 0x5678, 0x11, 0x22, 0x33, 0x44};

    /** compat_iret's vm86 #GP frame at machine address {@code pa}: error code 0, then words 1-9 of {@code ctx}. */
    static void assertVm86Frame(ScenarioRunner.Run r, long pa, long[] ctx) {
        var mem = FatalOutcomesTest.guest(r).memory();
        assertThat(mem.read(pa, 4)).as("error code 0 at the new ESP").isZero();
        for (int i = 1; i < 10; i++) {
            assertThat(mem.read(pa + 4L * i, 4)).as("frame word %d", i).isEqualTo(ctx[i]);
        }
    }

    @Test
    @DisplayName("pv.5.5 compat_iret with EFLAGS.VM set: no vm86 for PV guests; the frame moves to kernel_sp - 40, "
            + "error code 0 below it, and the guest resumes at its #GP handler on kernel_ss with VM/RF/NT/TF clear")
    void compatIretToVm86InjectsGp() {
        // compat_iret (xen/arch/x86/pv/iret.c, 4.x-4.22, master c447b73): "Cannot return to VM86 mode: inject a GP
        // fault instead"; words 1-9 (EIP, CS, EFLAGS, ESP, SS, ES, DS, FS, GS) copied to kernel_sp - 40 + 4i
        long[] ctx = {0x77, RIP32, 0xe019, VM | IF | TF | NT | RF | ZF, 0x1234, 0x5678, 0x11, 0x22, 0x33, 0x44};
        ScenarioRunner.Run r = run(PvFixture.pv32(), ctx32(SP_PA, ctx), iret());
        assertThat(outcome(r, ctx.length)).returned("iret", 0);
        PvVcpu v = vcpu(r);
        assertThat(v.rax).as("EAX from the context").isEqualTo(0x77);
        long ksp = 0x7000 - 40;
        assertThat(v.rip).as("the #GP handler").isEqualTo(HANDLER32 + 0x100);
        assertThat(v.cs).isEqualTo(0xe019);
        assertThat(v.rsp).as("kernel_sp - 40").isEqualTo(ksp);
        assertThat(v.ss).as("kernel_ss").isEqualTo(0xe021);
        assertThat(v.rflags).as("VM, RF, NT, TF cleared; IF and MBS forced").isEqualTo(IF | ZF | MBS);
        assertThat(v.upcallMask).as("the saved IF was set and the #GP trap does not mask events").isZero();
        assertVm86Frame(r, (STACK << 12) + (ksp & 0xFFF), ctx);
    }

    @Test
    @DisplayName("pv.5.5 compat_iret with EFLAGS.VM set, kernel_sp - 40 overlapping the frame from below: the words "
            + "are copied upwards (word 1 first), so none is overwritten before it is read")
    void compatIretToVm86OverlappingFrameBelow() {
        PvFixture f = PvFixture.pv32();
        f.kernelSp = 0x6810;   // ksp = 0x67e8, 24 bytes below the frame at 0x6800
        ScenarioRunner.Run r = run(f, ctx32(SP_PA, VM86_CTX), iret());
        assertThat(vcpu(r).rsp).isEqualTo(0x67e8);
        assertVm86Frame(r, (STACK << 12) + 0x7e8, VM86_CTX);
    }

    @Test
    @DisplayName("pv.5.5 compat_iret with EFLAGS.VM set and kernel_sp - 40 equal to ESP: nothing is copied, the "
            + "error code 0 replaces the saved EAX word")
    void compatIretToVm86FrameInPlace() {
        PvFixture f = PvFixture.pv32();
        f.kernelSp = 0x6800 + 40;
        ScenarioRunner.Run r = run(f, ctx32(SP_PA, VM86_CTX), iret());
        assertThat(vcpu(r).rsp).isEqualTo(0x6800);
        assertVm86Frame(r, SP_PA, VM86_CTX);   // the error code replaces the saved EAX word
    }

    @Test
    @DisplayName("pv.5.5 compat_iret with EFLAGS.VM set and a #GP trap that masks events: upcall mask set")
    void compatIretToVm86MasksEventsForAnInterruptGate() {
        PvFixture f = PvFixture.pv32();
        f.trap(13, 0xe019, HANDLER32 + 0x100, 4);
        ScenarioRunner.Run r = run(f, ctx32(SP_PA, 0, RIP32, 0xe019, VM | IF, 0, 0, 0, 0, 0, 0), iret());
        assertThat(vcpu(r).rip).isEqualTo(HANDLER32 + 0x100);
        assertThat(vcpu(r).upcallMask).isEqualTo(1);
    }

    @Test
    @DisplayName("pv.6 compat_iret with EFLAGS.VM set: a kernel stack Xen cannot write crashes the domain")
    void compatIretToVm86UnwritableKernelStackCrashes() {
        PvFixture f = PvFixture.pv32();
        f.kernelSp = 0x9000;   // va 0x8fd8 is not mapped
        ScenarioRunner.Run r = run(f, ctx32(SP_PA, 0, RIP32, 0xe019, VM | IF, 0, 0, 0, 0, 0, 0), iret());
        assertThat(outcome(r, 10)).isDomainCrash("iret_frame_unwritable");
    }

    @Test
    @DisplayName("pv.6 compat_iret to ring 0 crashes the domain")
    void compatIretToRing0Crashes() {
        ScenarioRunner.Run r = run(PvFixture.pv32(), ctx32(SP_PA, 0, 0x08048000L, 0xe018, IF), iret());
        assertThat(outcome(r, 4)).isDomainCrash("iret_to_ring0");
        assertThat(((xpf.model.scenario.Outcome.DomainCrash) outcome(r, 4)).detail())
                .isEqualTo("compat_iret to ring 0");
    }

    @Test
    @DisplayName("pv.6 compat_iret: an unreadable context crashes the domain")
    void compatIretUnreadableContextCrashes() {
        PvFixture f = PvFixture.pv32();
        f.rsp = 0x9000;
        ScenarioRunner.Run r = f.run(iret());
        assertThat(outcome(r, 0)).isDomainCrash("iret_frame_unreadable");
        assertThat(((xpf.model.scenario.Outcome.DomainCrash) outcome(r, 0)).detail())
                .isEqualTo("compat IRET context at 0x9000");
    }

    @Test
    @DisplayName("pv.5.3 compat_iret: EFLAGS clamped to X86_EFLAGS_ALL without IOPL, IF and MBS forced on; "
            + "evtchn_upcall_mask = !saved IF")
    void compatIretSanitisesEflags() {
        long noVm = 0xFFFFFFFFL & ~VM; // VM set takes Xen's vm86 branch (compatIretToVm86InjectsGp)
        ScenarioRunner.Run all = run(PvFixture.pv32(), ctx32(SP_PA, 0, RIP32, 0xe019, noVm), iret());
        long kept = CF | PF | AF | ZF | SF | TF | IF | DF | OF | NT | RF | AC | VIF | VIP | ID;
        assertThat(vcpu(all).rflags).isEqualTo(kept | MBS);
        assertThat(vcpu(all).upcallMask).isZero();
        assertThat(vcpu(all).rsp).as("ring 1: ESP = context + 16").isEqualTo(0x6810);
        ScenarioRunner.Run none = run(PvFixture.pv32(), ctx32(SP_PA, 0, RIP32, 0xe019, 0), iret());
        assertThat(vcpu(none).rflags).isEqualTo(IF | MBS);
        assertThat(vcpu(none).upcallMask).isEqualTo(1);
        assertThat(TraceLines.of(none, "CALL compat_iret")).containsExactly(
                "CALL compat_iret result=0 eip=0xc0001234 cs=0xe019 esp=0x6810 upcall_mask=1");
    }

    @Test
    @DisplayName("pv.5.5 compat_iret with architectural_iopl: the virtual IOPL comes from the saved EFLAGS and shows "
            + "in the next bounce frame; without the assist it stays 0")
    void compatIretArchitecturalIopl() {
        PvFixture f = PvFixture.pv32();
        f.assists.add("architectural_iopl");
        ScenarioRunner.Run r = run(f, ctx32(SP_PA, 0, RIP32, 0xe019, 0x1000 | IF), iret(), read(0x9000));
        assertThat(vcpu(r).iopl).as("IOPL 1").isEqualTo(1);
        assertThat(vcpu(r).handlerFrames).hasSize(1);
        assertThat(outcome(r, 5)).isDeliveredPageFault(0, 0x9000).hasFrameSlot("eflags", 0x1000 | IF | MBS);
        ScenarioRunner.Run plain = run(PvFixture.pv32(), ctx32(SP_PA, 0, RIP32, 0xe019, 0x1000 | IF), iret(),
                read(0x9000));
        assertThat(vcpu(plain).iopl).isZero();
        assertThat(outcome(plain, 5)).hasFrameSlot("eflags", IF | MBS);
    }

    @Test
    @DisplayName("pv.2.3e 32-bit upcall frame (no error code): the handler's EAX push just below it is a guest "
            + "store; in log-dirty mode a clean page faults there and the iret is not reached in that step")
    void compatReturnSequenceStoreFaults() {
        PvFixture f = PvFixture.pv32().param("event_callback", HANDLER32 + 0x800).param("log_dirty", 1)
                .pte(PvFixture.L1, 7, e(PvFixture.NEWDATA, PvFixture.P | PvFixture.RW | PvFixture.A));
        f.rsp = 0x700c; // upcall frame {EIP, CS, EFLAGS} at 0x7000 (NEWDATA); EAX goes to 0x6ffc (STACK)
        ScenarioRunner.Run r = f.run(ExitPathTraceTest.ENABLE_PTWR_WITH_EVENTS, iret());
        assertThat(outcome(r, 0)).returned("vm_assist", 0);
        assertThat(TraceLines.of(r, "RESUME bounce")).containsExactly(
                "RESUME bounce handler=0xc0100800 esp=0x7000 upcall_mask=1");
        assertThat(vcpu(r).handlerFrames).isEmpty();
        assertThat(outcome(r, 1)).isFixed("paging");
        assertThat(r.trace().render()).doesNotContain("CALL compat_iret");
        assertThat(PvFixture.view(r).dirtyFrames()).contains(STACK);
    }
}
