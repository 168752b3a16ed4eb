/**
 * JUnit 5 integration: {@link xpf.prop.junit.PropertyTest}, settings from annotation, system properties and
 * defaults, Allure reporting.
 */
package xpf.prop.junit;
