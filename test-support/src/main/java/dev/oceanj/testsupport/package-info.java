/**
 * What the modules' tests share: {@link dev.oceanj.testsupport.Await} (a condition with a deadline) and
 * {@link dev.oceanj.testsupport.TestPort} (the Port emulator a test starts, and the environment pointing a runtime at
 * it). Test-scoped everywhere; never shipped.
 */
package dev.oceanj.testsupport;
