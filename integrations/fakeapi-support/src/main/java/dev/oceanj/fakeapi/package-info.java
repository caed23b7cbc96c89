/**
 * What the fake third-party APIs share: {@link dev.oceanj.fakeapi.LoopbackServer} (the JDK server they answer on),
 * {@link dev.oceanj.fakeapi.CommandLine} (their {@code --option value} parsing, help and run),
 * {@link dev.oceanj.fakeapi.Settings} (settings checks) and {@link dev.oceanj.fakeapi.RequestRing} (the request log).
 */
package dev.oceanj.fakeapi;
