package xpf.sim.xen.pv;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import xpf.model.x86.PfErrorCode;
import xpf.sim.xen.XenSymbols;

/**
 * The small value types of the PV path, checked where their output reaches a user: {@link Pte#flagNames} (the
 * "disallowed flags P|RW|..." reason {@code mmu_update} / {@code get_page_from_lNe} failures show, in Xen's
 * {@code _PAGE_*} names, asm/x86_64/page.h), {@code struct trap_bounce}'s TBF_* flags (asm/domain.h), the
 * register frame's error-code rewrite, and the PV classes {@code xpf explain} looks symbols up in.
 */
class PvRecordsTest {

    @Test
    @DisplayName("Pte.flagNames: each of bits 0-8 by its _PAGE_ name, in bit order, joined with |")
    void flagNamesOfTheLowBits() {
        assertThat(Pte.flagNames(Pte.P)).isEqualTo("P");
        assertThat(Pte.flagNames(Pte.RW)).isEqualTo("RW");
        assertThat(Pte.flagNames(Pte.US)).isEqualTo("US");
        assertThat(Pte.flagNames(Pte.PWT)).isEqualTo("PWT");
        assertThat(Pte.flagNames(Pte.PCD)).isEqualTo("PCD");
        assertThat(Pte.flagNames(Pte.A)).isEqualTo("A");
        assertThat(Pte.flagNames(Pte.D)).isEqualTo("D");
        assertThat(Pte.flagNames(Pte.PSE)).isEqualTo("PSE");
        assertThat(Pte.flagNames(Pte.G)).isEqualTo("G");
        assertThat(Pte.flagNames(0x1FF)).isEqualTo("P|RW|US|PWT|PCD|A|D|PSE|G");
        assertThat(Pte.flagNames(Pte.RW | Pte.D)).isEqualTo("RW|D");
    }

    @Test
    @DisplayName("Pte.flagNames: GUEST_KERNEL (bit 52) and NX (bit 63) after the low bits; unnamed bits and the "
            + "frame number are not shown; nothing named is \"0\"")
    void flagNamesOfTheHighBitsAndTheRest() {
        assertThat(Pte.flagNames(Pte.GUEST_KERNEL)).isEqualTo("GUEST_KERNEL");
        assertThat(Pte.flagNames(Pte.NX)).isEqualTo("NX");
        assertThat(Pte.flagNames(Pte.GUEST_KERNEL | Pte.NX)).isEqualTo("GUEST_KERNEL|NX");
        assertThat(Pte.flagNames(Pte.US | Pte.GUEST_KERNEL)).isEqualTo("US|GUEST_KERNEL");
        assertThat(Pte.flagNames(Pte.P | Pte.NX)).isEqualTo("P|NX");
        assertThat(Pte.flagNames(0)).isEqualTo("0");
        assertThat(Pte.flagNames(Pte.AVAIL)).as("bits 9-11 (_PAGE_AVAIL)").isEqualTo("0");
        assertThat(Pte.flagNames(0x1234_5000L)).as("frame bits only").isEqualTo("0");
        assertThat(Pte.flagNames(1L << 53)).as("another AVAIL_HIGH bit").isEqualTo("0");
    }

    @Test
    @DisplayName("Pte.flags keeps everything but the frame number (bits 12-51); Pte.mfn the frame number")
    void flagsAndMfn() {
        long e = Pte.NX | Pte.GUEST_KERNEL | (0x12345L << 12) | Pte.P | Pte.RW | Pte.AVAIL;
        assertThat(Pte.flags(e)).isEqualTo(Pte.NX | Pte.GUEST_KERNEL | Pte.P | Pte.RW | Pte.AVAIL);
        assertThat(Pte.mfn(e)).isEqualTo(0x12345L);
    }

    @Test
    @DisplayName("trap_bounce: TBF_EXCEPTION_ERRCODE alone says an error code is pushed; an event upcall "
            + "(TBF_INTERRUPT only) has none")
    void trapBounceFlags() {
        assertThat(new TrapBounce(0, TrapBounce.TBF_EXCEPTION, 0xe033, 0x1000, 13).hasErrorCode()).isFalse();
        assertThat(new TrapBounce(0, TrapBounce.TBF_INTERRUPT, 0xe033, 0x1000, -1).hasErrorCode()).isFalse();
        assertThat(new TrapBounce(0, TrapBounce.TBF_EXCEPTION | TrapBounce.TBF_EXCEPTION_ERRCODE, 0xe033, 0x1000, 14)
                .hasErrorCode()).isTrue();
        assertThat(TrapBounce.NONE.pending()).isFalse();
    }

    @Test
    @DisplayName("cpu_user_regs: replacing the error code keeps the rest of the frame")
    void pfRegsWithErrorCode() {
        PfRegs g = PfRegs.guest(0xe033, 0xffffffff80001234L, 0x202, PfErrorCode.U);
        PfRegs w = g.withErrorCode(PfErrorCode.U | PfErrorCode.W);
        assertThat(w).isEqualTo(new PfRegs(true, 0xe033, 0xffffffff80001234L, 0x202, PfErrorCode.U | PfErrorCode.W,
                null));
    }

    @Test
    @DisplayName("xpf explain finds the trap-delivery symbols through PvSymbols (do_iret, compat_iret, "
            + "create_bounce_frame, do_set_trap_table, pv_inject_event)")
    void pvSymbolsRegisterTheDeliveryClasses() {
        assertThat(new PvSymbols().classes()).contains(DoIret.class, BounceFrame.class, Callbacks.class,
                PvInject.class, PvTraps.class);
        for (String sym : new String[] {"do_iret", "compat_iret", "create_bounce_frame", "compat_create_bounce_frame",
                "test_all_events", "do_set_trap_table", "pv_inject_event", "handle_PF"}) {
            assertThat(XenSymbols.lookup(sym)).as(sym).isPresent();
        }
        assertThat(XenSymbols.lookup("do_iret").orElseThrow().file()).contains("xen/arch/x86/pv/iret.c");
    }
}
