/** oceanj spi. */
package dev.oceanj.spi;
