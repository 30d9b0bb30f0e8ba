;; runaway.wat -- hand-written component-model test fixture for WasmDynamic.
;;
;; Root exports (WIT):
;;   spin: func();                      // loops forever (for fuel / epoch / timeout tests)
;;   grow: func(pages: u32) -> s32;     // memory.grow by `pages`: the old size in pages, or -1
;;   boom: func();                      // traps immediately (unreachable)
;;   add:  func(a: u32, b: u32) -> u32; // wrapping 32-bit add (a call that just works)
;;
;; The memory starts at 1 page with no declared maximum, so growth is limited only by
;; the 4 GiB (65536-page) limit of a 32-bit memory and by any store resource limits;
;; a refused grow returns -1 rather than trapping.
(component
  (core module $impl
    (memory 1)
    (func (export "spin")
      (loop $forever (br $forever)))
    (func (export "grow") (param $pages i32) (result i32)
      (memory.grow (local.get $pages)))
    (func (export "boom")
      unreachable)
    (func (export "add") (param i32 i32) (result i32)
      (i32.add (local.get 0) (local.get 1)))
  )
  (core instance $i (instantiate $impl))

  (func $spin (canon lift (core func $i "spin")))
  (func $grow (param "pages" u32) (result s32) (canon lift (core func $i "grow")))
  (func $boom (canon lift (core func $i "boom")))
  (func $add (param "a" u32) (param "b" u32) (result u32) (canon lift (core func $i "add")))

  (export "spin" (func $spin))
  (export "grow" (func $grow))
  (export "boom" (func $boom))
  (export "add" (func $add))
)
