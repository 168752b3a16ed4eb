package xpf.prop.jazzer;

import java.util.Collection;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;

/**
 * A FuzzedDataProvider that hands out scripted numbers, then minimum values once exhausted (as Jazzer's does), so
 * the driver can be tested without a fuzzing run. Only the calls {@link FuzzSource} makes are supported.
 */
final class ScriptedData implements FuzzedDataProvider {
    private final long[] script;
    private int next;

    ScriptedData(long... script) {
        this.script = script;
    }

    private long take(long min, long max) {
        if (next >= script.length) {
            return min;
        }
        long v = script[next++];
        return Math.max(min, Math.min(max, v));
    }

    @Override public long consumeLong(long min, long max) { return take(min, max); }
    @Override public long consumeLong() { return take(Long.MIN_VALUE, Long.MAX_VALUE); }
    @Override public boolean consumeBoolean() { return take(0, 1) == 1; }
    @Override public int remainingBytes() { return (script.length - next) * 8; }

    private static UnsupportedOperationException unsupported() {
        return new UnsupportedOperationException("FuzzSource does not use this call");
    }

    @Override public boolean[] consumeBooleans(int maxLength) { throw unsupported(); }
    @Override public byte consumeByte() { throw unsupported(); }
    @Override public byte consumeByte(byte min, byte max) { throw unsupported(); }
    @Override public byte[] consumeBytes(int maxLength) { throw unsupported(); }
    @Override public byte[] consumeRemainingAsBytes() { throw unsupported(); }
    @Override public short consumeShort() { throw unsupported(); }
    @Override public short consumeShort(short min, short max) { throw unsupported(); }
    @Override public short[] consumeShorts(int maxLength) { throw unsupported(); }
    @Override public int consumeInt() { throw unsupported(); }
    @Override public int consumeInt(int min, int max) { throw unsupported(); }
    @Override public int[] consumeInts(int maxLength) { throw unsupported(); }
    @Override public long[] consumeLongs(int maxLength) { throw unsupported(); }
    @Override public float consumeFloat() { throw unsupported(); }
    @Override public float consumeRegularFloat() { throw unsupported(); }
    @Override public float consumeRegularFloat(float min, float max) { throw unsupported(); }
    @Override public float consumeProbabilityFloat() { throw unsupported(); }
    @Override public double consumeDouble() { throw unsupported(); }
    @Override public double consumeRegularDouble() { throw unsupported(); }
    @Override public double consumeRegularDouble(double min, double max) { throw unsupported(); }
    @Override public double consumeProbabilityDouble() { throw unsupported(); }
    @Override public char consumeChar() { throw unsupported(); }
    @Override public char consumeChar(char min, char max) { throw unsupported(); }
    @Override public char consumeCharNoSurrogates() { throw unsupported(); }
    @Override public String consumeString(int maxLength) { throw unsupported(); }
    @Override public String consumeRemainingAsString() { throw unsupported(); }
    @Override public String consumeAsciiString(int maxLength) { throw unsupported(); }
    @Override public String consumeRemainingAsAsciiString() { throw unsupported(); }
    @Override public <T> T pickValue(Collection<T> collection) { throw unsupported(); }
}
