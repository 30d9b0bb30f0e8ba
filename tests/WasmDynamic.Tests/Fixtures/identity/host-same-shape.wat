;; host-same-shape.wat -- two imported interfaces each define `record point { x: u32 }` (same shape, two WIT types)
;; and a function taking and returning it; the guest's run(v) = a.f({x: v}).x * 1000 + b.f({x: v}).x.
(component
  (import "t:a/x" (instance $x
    (type $p (record (field "x" u32)))
    (export "point" (type $point (eq $p)))
    (export "f" (func (param "p" $point) (result $point)))))
  (import "t:b/y" (instance $y
    (type $p (record (field "x" u32)))
    (export "point" (type $point (eq $p)))
    (export "f" (func (param "p" $point) (result $point)))))
  (alias export $x "f" (func $xf))
  (alias export $y "f" (func $yf))
  (core func $xf-l (canon lower (func $xf)))
  (core func $yf-l (canon lower (func $yf)))
  (core module $m
    (import "h" "xf" (func $xf (param i32) (result i32)))
    (import "h" "yf" (func $yf (param i32) (result i32)))
    (func (export "run") (param $v i32) (result i32)
      (i32.add (i32.mul (call $xf (local.get $v)) (i32.const 1000)) (call $yf (local.get $v)))))
  (core instance $mi (instantiate $m
    (with "h" (instance (export "xf" (func $xf-l)) (export "yf" (func $yf-l))))))
  (func $run (param "v" u32) (result u32) (canon lift (core func $mi "run")))
  (export "run" (func $run))
)
