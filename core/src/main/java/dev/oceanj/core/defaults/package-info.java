/** First start: the integration, its mapping and default blueprints created in Port (Ocean's defaults setup). */
package dev.oceanj.core.defaults;
