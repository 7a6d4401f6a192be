/**
 * What `ClerkLive` (and `Clerk.layer`, `Clerk.layerConfig`) provide: the layer of every service whose module
 * is loaded. Each generated service module registers its `Default` layer when it loads; `ClerkAuth`'s module
 * registers its Backend API wiring.
 *
 * Why not one layer that names all 42 services: a bundler keeps every module that a kept value refers to, so
 * a program that calls `users.get` through such a layer ships every service and `ClerkAuth` (136 KB gzip,
 * 56 KB over the Effect floor, against 95 KB and 15 KB for `Users` alone). A program can only ask for a
 * service whose tag it imports, and importing the tag loads the module that registers its layer: what is
 * registered is what the program can ask for. (A module imported after the layer was built is not in it.)
 */
import type * as ConfigError from "effect/ConfigError"
import * as Layer from "effect/Layer"
import type { ClerkClient } from "../ClerkClient.js"

/** A registered layer, built on the `ClerkClient` in context; what it provides is not tracked here. */
type Registered<E> = Layer.Layer<never, E, ClerkClient>

const services: Array<Registered<never>> = []
const auth: Array<Registered<ConfigError.ConfigError>> = []

/** Called by each generated service module, when it loads, with its `Default` layer. */
export const registerService = (layer: Registered<never>): void => {
  services.push(layer)
}

/** Called by `ClerkAuth`'s module, when it loads, with `ClerkAuth` wired to the Backend API. */
export const registerAuth = (layer: Registered<ConfigError.ConfigError>): void => {
  auth.push(layer)
}

const merged = <E>(layers: ReadonlyArray<Registered<E>>): Registered<E> =>
  Layer.suspend(() => Layer.mergeAll(Layer.empty, ...layers))

/**
 * Every registered service, merged when the layer is built (after every import has run).
 *
 * The package's one unchecked claim: that this provides `Services`, the union of every generated service's
 * tag. It holds for every tag a program can name (see the module comment), and `test/registry.test.ts`
 * asks the built layer for each of them.
 */
export const loadedServices = <Services>(): Layer.Layer<Services, never, ClerkClient> =>
  merged(services) as Layer.Layer<Services, never, ClerkClient>

/** `ClerkAuth`, when its module is loaded: the same claim, for one tag. */
export const loadedAuth = <Auth>(): Layer.Layer<Auth, ConfigError.ConfigError, ClerkClient> =>
  merged(auth) as Layer.Layer<Auth, ConfigError.ConfigError, ClerkClient>
