/** oceanj actors. */
package dev.oceanj.actors;
