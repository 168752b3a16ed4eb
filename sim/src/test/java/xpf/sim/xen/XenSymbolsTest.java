package xpf.sim.xen;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;

/** The symbol index behind {@code xpf explain}: registered classes' {@link XenFunction}s, found by C name. */
class XenSymbolsTest {

    static final class Fake {
        @XenFunction(symbol = "pv_inject_page_fault", file = "xen/arch/x86/pv/traps.c", version = "4.22",
                formerly = "propagate_page_fault")
        void pvInjectPageFault() {
        }

        @XenFunction(symbol = "fixup_page_fault", file = "xen/arch/x86/traps.c", version = "3.1, 4.22")
        Fake() {
        }
    }

    @Test
    void registeredClassesAreIndexedBySymbolAndFormerName() {
        XenSymbols.register(Fake.class);
        XenSymbols.Symbol s = XenSymbols.lookup("pv_inject_page_fault").orElseThrow();
        assertThat(s.file()).isEqualTo("xen/arch/x86/pv/traps.c");
        assertThat(s.version()).isEqualTo("4.22");
        assertThat(s.javaMember()).isEqualTo(Fake.class.getName() + ".pvInjectPageFault");
        assertThat(XenSymbols.lookup("propagate_page_fault")).contains(s);
        assertThat(XenSymbols.lookup("fixup_page_fault").orElseThrow().javaMember()).endsWith(".<init>");
        assertThat(XenSymbols.lookup("no_such_function")).isEmpty();
    }

    @Test
    void sharedClassesRegisterThroughTheServiceLoader() {
        // X86Emulate is listed by XenSymbols.Shared in META-INF/services, without any explicit register call
        assertThat(XenSymbols.lookup("x86_emulate").orElseThrow().file())
                .isEqualTo("xen/arch/x86/x86_emulate/x86_emulate.c");
    }

    @Test
    void aSymbolClaimedTwiceKeepsTheFirstMemberByName() {
        var index = XenSymbols.build(Set.of(Fake.class, Twice.class));
        assertThat(index.get("fixup_page_fault").javaMember()).isEqualTo(Fake.class.getName() + ".<init>");
    }

    static final class Twice {
        @XenFunction(symbol = "fixup_page_fault", file = "other.c", version = "4.22")
        void zzz() {
        }
    }
}
