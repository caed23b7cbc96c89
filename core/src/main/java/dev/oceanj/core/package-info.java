/** oceanj core. */
package dev.oceanj.core;
