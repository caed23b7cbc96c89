/** oceanj runtime. */
package dev.oceanj.runtime;
