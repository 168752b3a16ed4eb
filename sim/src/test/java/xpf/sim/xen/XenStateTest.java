package xpf.sim.xen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import xpf.model.scenario.MachineSpec;
import xpf.model.scenario.XenProfile;
import xpf.sim.domain.Machine;
import xpf.sim.xen.mm.FrameTable;

/**
 * The hypervisor's machine-wide state: Xen owns frames 0 .. XEN_FRAMES-1 (no guest may map them), hands out zeroed
 * heap frames from 0x10 up, keeps the first panic reason, and answers which historic bugs are switched on.
 */
class XenStateTest {

    static Xen xen(Set<String> bugs) {
        return new Xen(new Machine(MachineSpec.modernIntel(XenProfile.XEN_4_22)), XenProfile.XEN_4_22, bugs);
    }

    @Test
    @DisplayName("frames 0x00..0xff are DOMID_XEN's, 0x100 nobody's")
    void xenOwnsItsFrames() {
        Xen x = xen(Set.of());
        assertThat(x.frameTable().ownerOf(0)).isEqualTo(FrameTable.DOMID_XEN);
        assertThat(x.frameTable().ownerOf(Xen.XEN_FRAMES - 1)).isEqualTo(FrameTable.DOMID_XEN);
        assertThat(x.frameTable().ownerOf(Xen.XEN_FRAMES)).isEqualTo(FrameTable.NOBODY);
        assertThat(x.profile()).isEqualTo(XenProfile.XEN_4_22);
    }

    @Test
    @DisplayName("allocXenFrame: zeroed frames 0x10, 0x11, ... up to 0xff, then the heap is exhausted")
    void heap() {
        Xen x = xen(Set.of());
        x.machine().memory().writeWord(0x10L << 12, 0x1234);
        x.machine().memory().writeWord((0x11L << 12) + 0xff8, 0x5678);
        assertThat(x.allocXenFrame()).isEqualTo(0x10);
        assertThat(x.machine().memory().readWord(0x10L << 12)).isZero();
        assertThat(x.allocXenFrame()).isEqualTo(0x11);
        assertThat(x.machine().memory().readWord((0x11L << 12) + 0xff8)).isZero();
        long last = 0;
        for (long f = 0x12; f < Xen.XEN_FRAMES; f++) {
            last = x.allocXenFrame();
        }
        assertThat(last).isEqualTo(Xen.XEN_FRAMES - 1);
        assertThatThrownBy(x::allocXenFrame).isInstanceOf(IllegalStateException.class).hasMessageContaining(
                "exhausted");
    }

    @Test
    @DisplayName("panic: the first reason sticks; null while Xen runs")
    void panic() {
        Xen x = xen(Set.of());
        assertThat(x.panicReason()).isNull();
        x.panic("fatal_trap");
        x.panic("later");
        assertThat(x.panicReason()).isEqualTo("fatal_trap");
    }

    @Test
    @DisplayName("bug switches: on by id or by switch, off otherwise; the set is read-only")
    void bugs() {
        Xen x = xen(Set.of("xsa-148"));
        assertThat(x.bug("xsa-148")).isTrue();
        assertThat(x.bug("xsa-173")).isFalse();
        BugSwitch s = new BugSwitch() {
            public String id() {
                return "xsa-148";
            }

            public String description() {
                return "";
            }

            public String source() {
                return "";
            }

            public String where() {
                return "";
            }

            public String path() {
                return "PV";
            }
        };
        assertThat(x.bug(s)).isTrue();
        assertThat(x.bugs()).containsExactly("xsa-148");
        assertThatThrownBy(() -> x.bugs().add("x")).isInstanceOf(UnsupportedOperationException.class);
    }

    @XenFunction(symbol = "class_level_symbol", file = "xen/arch/x86/x.c", version = "4.22")
    static final class Annotated {
        @XenFunction(symbol = "ctor_symbol", file = "xen/arch/x86/y.c", version = "3.1")
        Annotated() {
        }

        @XenFunction(symbol = "method_symbol", file = "xen/arch/x86/z.c", version = "4.22")
        void aMethod() {
        }

        @XenFunction(symbol = "claimed_twice", file = "first.c", version = "4.22")
        void aaa() {
        }
    }

    static final class Later {
        @XenFunction(symbol = "claimed_twice", file = "second.c", version = "4.22")
        void aaa() {
        }
    }

    @Test
    @DisplayName("the symbol index: class-level and constructor annotations are indexed; the shared classes list "
            + "x86_emulate's class; all() lists them")
    void symbols() {
        var index = XenSymbols.build(Set.of(Annotated.class));
        assertThat(index.get("class_level_symbol").javaMember()).isEqualTo(Annotated.class.getName());
        assertThat(index.get("ctor_symbol").javaMember()).isEqualTo(Annotated.class.getName() + ".<init>");
        assertThat(index.get("method_symbol").file()).isEqualTo("xen/arch/x86/z.c");
        var ordered = new java.util.LinkedHashSet<Class<?>>(java.util.List.of(Later.class, Annotated.class));
        assertThat(XenSymbols.build(ordered).get("claimed_twice").file()).as("the first member by name wins, "
                + "whatever order the classes come in").isEqualTo("first.c");
        assertThat(new XenSymbols.Shared().classes()).contains(xpf.sim.xen.emul.X86Emulate.class);
        assertThat(XenSymbols.all()).containsKey("x86_emulate");
    }

    @Test
    @DisplayName("every PageInfo setter is a change of the frame table (its memoised views are recomputed)")
    void everySetterBumpsTheVersion() {
        FrameTable t = new FrameTable();
        xpf.sim.xen.mm.PageInfo p = t.assign(0x500, 1);
        long v = t.version();
        p.setTlbflushNeeded(true);
        assertThat(t.version()).isGreaterThan(v);
        assertThat(p.tlbflushNeeded()).isTrue();
        v = t.version();
        p.setShadowedPageTable(true);
        assertThat(t.version()).isGreaterThan(v);
        assertThat(p.shadowedPageTable()).isTrue();
        assertThat(new xpf.sim.xen.mm.p2m.P2mEntry(1, 2, xpf.sim.xen.mm.p2m.P2mType.RAM_RW, null).withMfn(7))
                .isEqualTo(new xpf.sim.xen.mm.p2m.P2mEntry(1, 7, xpf.sim.xen.mm.p2m.P2mType.RAM_RW, null));
    }
}
