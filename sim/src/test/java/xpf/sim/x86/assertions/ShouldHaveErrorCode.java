package xpf.sim.x86.assertions;

import org.assertj.core.error.BasicErrorMessageFactory;
import xpf.model.x86.PfErrorCode;

/** "Expecting #PF with error code P|W|U (0x7) at 0x401234 but it was ..." — error codes symbolic, addresses hex. */
public final class ShouldHaveErrorCode extends BasicErrorMessageFactory {

    private ShouldHaveErrorCode(String actual, int expected, String where) {
        super("%nExpecting a #PF with error code %s (0x%s)%s%nbut it was: %s",
                unquotedString(PfErrorCode.symbolic(expected)), unquotedString(Integer.toHexString(expected)),
                unquotedString(where), unquotedString(actual));
    }

    public static ShouldHaveErrorCode shouldHaveErrorCode(String actualSummary, int expected, String where) {
        return new ShouldHaveErrorCode(actualSummary, expected, where);
    }
}
