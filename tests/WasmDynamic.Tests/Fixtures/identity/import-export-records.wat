;; import-export-records.wat -- t:x/a imported and exported under one name, each side with its own `record r` of a
;; different shape (u32 imported, u64 exported); the guest export g(v) = {a: host f(v).a + 100}.
(component
  (import "t:x/a" (instance $a-in
    (type $r (record (field "a" u32)))
    (export "r" (type $re (eq $r)))
    (export "f" (func (param "v" u32) (result $re)))))
  (alias export $a-in "f" (func $f))
  (core func $f-l (canon lower (func $f)))
  (core module $m
    (import "h" "f" (func $f (param i32) (result i32)))
    (func (export "g") (param i32) (result i64) (i64.extend_i32_u (i32.add (call $f (local.get 0)) (i32.const 100)))))
  (core instance $mi (instantiate $m (with "h" (instance (export "f" (func $f-l))))))
  (type $r2 (record (field "a" u64)))
  
  (func $g (param "v" u32) (result $r2) (canon lift (core func $mi "g")))
  (instance $a-out (export "r" (type $r2)) (export "g" (func $g)))
  (export "t:x/a" (instance $a-out))
)
