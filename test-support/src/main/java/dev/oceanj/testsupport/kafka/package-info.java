/** A single-node KRaft broker for tests ({@link dev.oceanj.testsupport.kafka.KRaftBroker}). */
package dev.oceanj.testsupport.kafka;
