package xpf.conformance.reference.xen;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import xpf.model.scenario.EventSpec;

/** The pure tables: exception combination (hvm.4, 1.1g) and the event encodings (hvm.1.2, hvm.2.2). */
class TablesTest {

    static HvmEvent exc(int v) {
        return HvmEvent.hwException(v, null, HvmEvent.Origin.PROCESSOR, -1);
    }

    @Test
    @DisplayName("hvm.4: hvm_combine_hw_exceptions rows")
    void xenCombination() {
        assertThat(ExceptionCombination.XenRow.of(8, 14).result).isEqualTo(ExceptionCombination.Result.TRIPLE_FAULT);
        assertThat(ExceptionCombination.XenRow.of(14, 13).result).isEqualTo(ExceptionCombination.Result.DOUBLE_FAULT);
        assertThat(ExceptionCombination.XenRow.of(20, 14).result).isEqualTo(ExceptionCombination.Result.DOUBLE_FAULT);
        assertThat(ExceptionCombination.XenRow.of(3, 14).result).isEqualTo(ExceptionCombination.Result.SECOND);
        assertThat(ExceptionCombination.XenRow.of(13, 14).result).isEqualTo(ExceptionCombination.Result.SECOND);
        assertThat(ExceptionCombination.XenRow.of(13, 11).result).isEqualTo(ExceptionCombination.Result.DOUBLE_FAULT);
        // the precondition "vec2 is contributory or a page fault": a benign vec2 after #PF still gives #DF
        assertThat(ExceptionCombination.XenRow.of(14, 1).result).isEqualTo(ExceptionCombination.Result.DOUBLE_FAULT);
    }

    @Test
    @DisplayName("1.1g: SDM Table 6-5 rows")
    void sdmCombination() {
        assertThat(ExceptionCombination.SdmRow.of(exc(1), 13).result).isEqualTo(ExceptionCombination.Result.SERIAL);
        assertThat(ExceptionCombination.SdmRow.of(exc(13), 11).result)
                .isEqualTo(ExceptionCombination.Result.DOUBLE_FAULT);
        assertThat(ExceptionCombination.SdmRow.of(exc(13), 14).result).isEqualTo(ExceptionCombination.Result.SERIAL);
        assertThat(ExceptionCombination.SdmRow.of(exc(14), 11).result)
                .isEqualTo(ExceptionCombination.Result.DOUBLE_FAULT);
        assertThat(ExceptionCombination.SdmRow.of(exc(14), 14).result)
                .isEqualTo(ExceptionCombination.Result.DOUBLE_FAULT);
        assertThat(ExceptionCombination.SdmRow.of(exc(14), 1).result).isEqualTo(ExceptionCombination.Result.SERIAL);
        assertThat(ExceptionCombination.SdmRow.of(exc(8), 14).result)
                .isEqualTo(ExceptionCombination.Result.TRIPLE_FAULT);
        assertThat(ExceptionCombination.SdmRow.of(exc(8), 1).result).isEqualTo(ExceptionCombination.Result.SERIAL);
        HvmEvent intr = HvmEvent.ofKnob(new EventSpec(0x30, "ext_intr", null));
        assertThat(ExceptionCombination.SdmRow.of(intr, 13).result).isEqualTo(ExceptionCombination.Result.SERIAL);
    }

    @Test
    @DisplayName("hvm.1.2: SVM intinfo_t encodings (EVENTINJ / EXITINTINFO)")
    void svmEncoding() {
        assertThat(HvmEvent.hwException(14, 6, HvmEvent.Origin.XEN, 1).svmIntInfo()).isEqualTo(0x0000_0006_8000_0B0EL);
        assertThat(HvmEvent.hwException(8, 0, HvmEvent.Origin.XEN, 1).svmIntInfo()).isEqualTo(0x8000_0B08L);
        // SVM has no types 5/6: INT3 is reported as a type-3 exception
        assertThat(HvmEvent.ofKnob(new EventSpec(3, "sw_exc", null)).svmIntInfo()).isEqualTo(0x8000_0303L);
        assertThat(HvmEvent.ofKnob(new EventSpec(0x30, "ext_intr", null)).svmIntInfo()).isEqualTo(0x8000_0030L);
    }

    @Test
    @DisplayName("hvm.2.2: VMX interruption-information encodings")
    void vmxEncoding() {
        assertThat(HvmEvent.hwException(14, 6, HvmEvent.Origin.XEN, 1).vmxIntrInfo()).isEqualTo(0x8000_0B0EL);
        assertThat(HvmEvent.ofKnob(new EventSpec(3, "sw_exc", null)).vmxIntrInfo()).isEqualTo(0x8000_0603L);
        assertThat(HvmEvent.ofKnob(new EventSpec(2, "nmi", null)).vmxIntrInfo()).isEqualTo(0x8000_0202L);
    }

    @Test
    @DisplayName("hvm.1.3 step 6: hvm_event_needs_reinjection")
    void needsReinjection() {
        assertThat(HvmEvent.ofKnob(new EventSpec(0x30, "ext_intr", null)).needsReinjection()).isTrue();
        assertThat(HvmEvent.ofKnob(new EventSpec(2, "nmi", null)).needsReinjection()).isTrue();
        assertThat(HvmEvent.ofKnob(new EventSpec(13, "hw_exc", 0)).needsReinjection()).isTrue();
        assertThat(HvmEvent.ofKnob(new EventSpec(3, "hw_exc", null)).needsReinjection()).isFalse();
        assertThat(HvmEvent.ofKnob(new EventSpec(4, "hw_exc", null)).needsReinjection()).isFalse();
        assertThat(HvmEvent.ofKnob(new EventSpec(0x80, "sw_int", null)).needsReinjection()).isFalse();
        assertThat(HvmEvent.ofKnob(new EventSpec(3, "sw_exc", null)).asSvmReports().needsReinjection()).isFalse();
    }
}
