package xpf.prop.jazzer;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;

import xpf.prop.choice.ChoiceSource;

/**
 * Choices from a fuzzer's bytes. Coverage guidance then mutates the very decisions the generators make, and an
 * exhausted input yields 0 / false, the simplest choices, just as a replay past its end does.
 */
public final class FuzzSource implements ChoiceSource {
    private final FuzzedDataProvider data;

    public FuzzSource(FuzzedDataProvider data) {
        this.data = data;
    }

    @Override
    public long next(long max) {
        if (max == -1L) {
            return data.consumeLong();
        }
        if (max >= 0) {
            return data.consumeLong(0, max);
        }
        // max above Long.MAX_VALUE (unsigned): fold a full-width draw into range
        long v = data.consumeLong();
        return Long.compareUnsigned(v, max) <= 0 ? v : Long.remainderUnsigned(v, max + 1);
    }

    @Override
    public long next(long max, long[] edges) {
        return next(max);
    }

    @Override
    public boolean nextCoin(double p) {
        return data.consumeBoolean();
    }

    @Override
    public void skip() {
        // forced choices consume no fuzzer bytes
    }
}
