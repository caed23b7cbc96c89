/** Child JVMs for multi-process tests (cluster nodes), with crash, freeze and graceful-stop injection. */
package dev.oceanj.testsupport.process;
