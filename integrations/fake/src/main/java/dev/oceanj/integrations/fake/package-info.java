/** oceanj integrations.fake. */
package dev.oceanj.integrations.fake;
