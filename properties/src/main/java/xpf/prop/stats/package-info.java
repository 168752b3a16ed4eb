/**
 * Statistics labels, coverage requirements and their text and JSON renderings.
 */
package xpf.prop.stats;
