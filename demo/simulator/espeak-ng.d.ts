// Types for the parts of the `espeak-ng` package (an Emscripten build of the espeak-ng CLI) the simulator uses.
declare module 'espeak-ng' {
  interface ESpeakNgModuleOptions {
    /** Command-line arguments for espeak-ng's `main`, which runs once when the module is instantiated. */
    arguments?: string[];
    print?: (text: string) => void;
    printErr?: (text: string) => void;
    instantiateWasm?: (
      imports: WebAssembly.Imports,
      done: (instance: WebAssembly.Instance, module: WebAssembly.Module) => void,
    ) => object;
  }
  interface ESpeakNgModule {
    FS: { readFile(path: string): Uint8Array; readFile(path: string, options: { encoding: 'utf8' }): string };
  }
  export default function ESpeakNg(options?: ESpeakNgModuleOptions): Promise<ESpeakNgModule>;
}
