;; map.wat -- WIT model fixture: `map<K, V>` (Wasmtime's component-model map feature, which ComponentRuntime enables).
;;
;; Imports `demo:maps/kv`:
;;
;;   type dict = map<string, u32>;
;;   lookup: func(d: dict, k: string) -> option<u32>;
;;   invert: func(m: map<u32, string>) -> map<string, list<u32>>;
(component
  (type $kv-type (instance
    (type $dict-def (map string u32))
    (export "dict" (type $dict (eq $dict-def)))
    (export "lookup" (func (param "d" $dict) (param "k" string) (result (option u32))))
    (export "invert" (func (param "m" (map u32 string)) (result (map string (list u32)))))
  ))
  (import "demo:maps/kv" (instance (type $kv-type)))
)
