/** A large made-up county roster (luzhang-roster/v1) for benchmarks: R roads × S segments. */

const A = "东西南北中新老上下前后金银玉春夏秋冬青红黄白长短平安和顺兴旺富强康乐明光华文武";
const B = "山水林田湖海河江桥塘园城村镇府庄堡岗坡湾港岭峰溪泉池沟渠坝堤洲岛滩原野川";

function person(i: number, title: string) {
  const phone = `139${String(10_000_000 + i).padStart(8, "0")}`;
  return {
    name: `测${A[i % A.length]}${B[Math.floor(i / A.length) % B.length]}`,
    title,
    phone,
    lark_open_id: `ou_b${i}`,
    wechat_id: `wxid_b${i}`,
  };
}

export function syntheticRoster(roads: number, segmentsPerRoad: number) {
  let p = 0;
  const streets = Array.from({ length: 20 }, (_, i) => `${A[i]}${B[i]}街道`);
  const level2 = streets.map((s) => person(p++, `${s}二级路长`));
  const roadList = [];
  for (let r = 0; r < roads; r++) {
    const name = `${A[r % A.length]}${B[Math.floor(r / A.length) % B.length]}${["路", "大道", "大街"][Math.floor(r / (A.length * B.length))] ?? "路"}`;
    const crossings = Array.from({ length: segmentsPerRoad + 1 }, (_, k) => ({
      name: `${name.slice(0, 2)}${A[(k * 7) % A.length]}${B[(k * 3 + r) % B.length]}街`,
      lat: 34 + r * 0.001,
      lng: 113 + k * 0.005,
    }));
    const segments = Array.from({ length: segmentsPerRoad }, (_, k) => {
      const street = k % streets.length;
      return {
        id: `B${r}-${k + 1}`,
        from: crossings[k]?.name ?? "",
        to: crossings[k + 1]?.name ?? "",
        street: streets[street] ?? "",
        chiefs: { level3: person(p++, `${name}第${k + 1}段三级路长`), level2: level2[street] },
      };
    });
    roadList.push({
      name,
      aliases: [],
      direction: "东西向",
      crossings,
      crossings_order: "自西向东",
      level1: person(p++, `${name}一级路长`),
      segments,
    });
  }
  return {
    format: "luzhang-roster/v1",
    county: "基准县",
    streets,
    departments: [
      { code: "HW", name: "环卫中心", handles: ["06042", "06010", "03001"] },
      { code: "SZ", name: "市政设施管理中心", handles: ["06013", "01023"] },
      { code: "ZF", name: "城市管理综合执法大队", handles: ["09006", "07001"] },
      { code: "JJ", name: "交警大队", handles: ["09009", "02014"] },
      { code: "JT", name: "交通运输局", handles: ["09010"] },
      { code: "ZJ", name: "住房和城乡建设局", handles: ["08004"] },
      { code: "YL", name: "园林绿化中心", handles: ["04002"] },
    ],
    roads: roadList,
    landmarks: [],
    inspectors: [person(p++, "精细办督查员")],
  };
}
