package xpf.prop;

/**
 * Marks an exception that only adds context (which stateful step failed) to the real failure, its cause. Shrinking
 * compares failures by the class of the real failure, so a wrapper never hides that a candidate fails differently.
 */
public interface WrapsFailure {
}
