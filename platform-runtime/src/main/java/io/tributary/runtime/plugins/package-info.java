/**
 * Discovery: processors from plugin jars in a watched folder (PF4J, one class loader per jar)
 * and from the module path ({@link java.util.ServiceLoader}), merged into one {@link
 * io.tributary.runtime.plugins.PluginRegistry}.
 */
package io.tributary.runtime.plugins;
